import { Module } from '@nestjs/common';
import { DashboardHttpController } from './dashboard.http.controller';

/** The analyst dashboard at /dashboard (static files; data from the query API). */
@Module({ controllers: [DashboardHttpController] })
export class DashboardModule {}
