import { ValidationPipe } from '@nestjs/common';

/**
 * Query strings are checked against their DTO: unknown parameters and wrong values are a 400
 * naming each problem, so a typo (`?teir=vip`) never silently returns everything.
 */
export const queryValidation = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
});
