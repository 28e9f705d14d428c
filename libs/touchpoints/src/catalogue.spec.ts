import { CURRENT_VERSIONS, TOUCHPOINT_CATALOGUE } from './catalogue';
import {
  EVENT_TYPES,
  SYSTEM_EVENT_TYPES,
  TOUCHPOINT_TYPES,
  isEventType,
  isTouchpointType,
} from './event-types';
import { allTouchpointExamples, touchpointExample } from './examples';
import { mergePersonalData, personalFields, splitPersonalData } from './personal-data';
import { NOW } from './testing/test-helpers';
import { planOf } from './validation/compiled-schema';
import { validateEventData, validateJourneyEvent } from './validation/validate-touchpoint';
import type { JsonObject } from '@touchline/event-store';

describe('the touchpoint catalogue', () => {
  it('defines every event type, at version 1, with a description and a data schema', () => {
    expect(Object.keys(TOUCHPOINT_CATALOGUE).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const definition = TOUCHPOINT_CATALOGUE[type];
      expect(definition.type).toBe(type);
      expect(definition.version).toBe(1);
      expect(CURRENT_VERSIONS[type]).toBe(1);
      expect(definition.description.length).toBeGreaterThan(10);
      expect(typeof definition.dataSchema).toBe('function');
      expect(() => planOf(definition.dataSchema)).not.toThrow();
    }
  });

  it('accepts the touchpoint types from producers, and not the system events', () => {
    expect(TOUCHPOINT_TYPES).toHaveLength(20);
    expect(TOUCHPOINT_TYPES.every((t) => TOUCHPOINT_CATALOGUE[t].acceptedFromProducers)).toBe(true);
    expect(SYSTEM_EVENT_TYPES.every((t) => !TOUCHPOINT_CATALOGUE[t].acceptedFromProducers)).toBe(
      true,
    );
    expect(isTouchpointType('purchase')).toBe(true);
    expect(isTouchpointType('customer.erased')).toBe(false);
    expect(isEventType('customer.erased')).toBe(true);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType(undefined)).toBe(false);
  });

  it('is frozen: a persisted contract is not changed at run time', () => {
    expect(Object.isFrozen(TOUCHPOINT_CATALOGUE)).toBe(true);
    expect(Object.isFrozen(TOUCHPOINT_CATALOGUE.purchase)).toBe(true);
    expect(Object.isFrozen(TOUCHPOINT_CATALOGUE.purchase.personalFields)).toBe(true);
  });
});

describe('personal fields', () => {
  it('are marked per type: names, contacts, free text, URLs and every free-form attribute', () => {
    const byType = Object.fromEntries(EVENT_TYPES.map((t) => [t, personalFields(t)]));
    expect(byType).toEqual({
      purchase: ['data.attributes'],
      refund: ['data.reason', 'data.attributes'],
      enquiry: ['data.text', 'data.attributes'],
      'complaint.opened': ['data.text', 'data.attributes'],
      'complaint.responded': ['data.text', 'data.attributes'],
      'complaint.resolved': ['data.text', 'data.attributes'],
      'complaint.reopened': ['data.text', 'data.attributes'],
      'survey.nps': ['data.comment', 'data.attributes'],
      'survey.csat': ['data.comment', 'data.attributes'],
      'survey.ces': ['data.comment', 'data.attributes'],
      browse: ['data.url', 'data.title', 'data.referrer', 'data.attributes'],
      'campaign.response': ['data.attributes'],
      delivery: ['data.attributes'],
      'service.contact': ['data.text', 'data.attributes'],
      'loyalty.earned': ['data.attributes'],
      'loyalty.redeemed': ['data.attributes'],
      'profile.updated': ['data.attributes'],
      'consent.changed': ['data.attributes'],
      'identity.linked': ['data.attributes'],
      custom: ['data.attributes'],
      'customer.erased': [],
      'customer.merged': ['data.reason'],
      'customer.unmerged': ['data.reason'],
    });
  });

  it('are whole top-level fields of data, and optional, so an erased event still fits its schema', () => {
    for (const type of EVENT_TYPES) {
      const plan = planOf(TOUCHPOINT_CATALOGUE[type].dataSchema);
      for (const path of personalFields(type)) {
        expect(path).toMatch(/^data\.[A-Za-z]+$/);
        const property = plan.properties.find((p) => `data.${p.name}` === path);
        expect({ path, optional: property?.optional }).toEqual({ path, optional: true });
      }
    }
  });

  it('split from data and merged back give the data again; without them (erased) data is still valid', () => {
    for (const example of allTouchpointExamples()) {
      const data = example.data as unknown as JsonObject;
      const split = splitPersonalData(example.type, data);
      for (const key of Object.keys(split.personal ?? {}))
        expect(personalFields(example.type)).toContain(`data.${key}`);
      for (const key of Object.keys(split.data))
        expect(personalFields(example.type)).not.toContain(`data.${key}`);
      expect(mergePersonalData(split.data, split.personal)).toEqual(data);
      expect(mergePersonalData(split.data, null)).toEqual(split.data);
      expect({ type: example.type, issues: validateEventData(example.type, split.data) }).toEqual({
        type: example.type,
        issues: [],
      });
    }
  });

  it('leave nothing personal in the clear part of a complaint', () => {
    const { data, personal } = splitPersonalData(
      'complaint.opened',
      touchpointExample('complaint.opened').data as never,
    );
    expect(personal).toEqual({ text: 'My mug arrived broken and nobody answers the phone.' });
    expect(JSON.stringify(data)).not.toContain('broken');
    expect(
      splitPersonalData('customer.erased', touchpointExample('customer.erased').data as never)
        .personal,
    ).toBeNull();
  });
});

describe('the examples', () => {
  it('cover every type and are valid', () => {
    const examples = allTouchpointExamples();
    expect(examples.map((e) => e.type).sort()).toEqual([...EVENT_TYPES].sort());
    for (const example of examples)
      expect(validateJourneyEvent(example, { now: NOW }).ok).toBe(true);
  });

  it('are fresh copies', () => {
    const a = touchpointExample('purchase');
    a.data.amount = 1;
    expect(touchpointExample('purchase').data.amount).toBe(84.97);
  });
});
