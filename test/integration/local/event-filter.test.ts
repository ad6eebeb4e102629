import { describe, expect, it } from 'vitest';
import { matchesFilter } from '../../../local/services/event-filter';
import { STREAM_FILTERS } from '../../../shared/table/definition';

const record = (eventName: string, newImage?: Record<string, unknown>) => ({
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: {
    Keys: { pk: { S: 'SESSION#1' }, sk: { S: 'SESSION' } },
    ...(newImage ? { NewImage: newImage } : {}),
  },
});

describe('matchesFilter', () => {
  describe('with the match filter', () => {
    it('selects an insert or modify whose new image has matchDue = 1', () => {
      // Prepare
      const patterns = STREAM_FILTERS.match;

      // Act
      const results = [
        matchesFilter(record('INSERT', { matchDue: { N: '1' } }), patterns),
        matchesFilter(record('MODIFY', { matchDue: { N: '1' }, other: { S: 'x' } }), patterns),
      ];

      // Assess
      expect(results).toEqual([true, true]);
    });

    it('ignores removes, other values, a missing marker and numbers that are not the string "1"', () => {
      // Prepare
      const patterns = STREAM_FILTERS.match;

      // Act
      const results = [
        matchesFilter(record('REMOVE', { matchDue: { N: '1' } }), patterns),
        matchesFilter(record('MODIFY', { matchDue: { N: '2' } }), patterns),
        matchesFilter(record('MODIFY', {}), patterns),
        matchesFilter(record('MODIFY'), patterns),
        matchesFilter(record('MODIFY', { matchDue: { S: '1' } }), patterns),
        matchesFilter(record('MODIFY', { matchDue: { N: 1 } }), patterns),
      ];

      // Assess
      expect(results).toEqual([false, false, false, false, false, false]);
    });
  });

  describe('with the notify filter', () => {
    it('needs every key of the pattern (AND): a pending outbox record only', () => {
      // Prepare
      const patterns = STREAM_FILTERS.notify;

      // Act
      const pending = matchesFilter(
        record('INSERT', { type: { S: 'outbox' }, status: { S: 'pending' } }),
        patterns,
      );
      const sent = matchesFilter(
        record('MODIFY', { type: { S: 'outbox' }, status: { S: 'sent' } }),
        patterns,
      );
      const session = matchesFilter(
        record('INSERT', { type: { S: 'session' }, status: { S: 'pending' } }),
        patterns,
      );

      // Assess
      expect([pending, sent, session]).toEqual([true, false, false]);
    });
  });

  describe('generally', () => {
    it('ORs across patterns and matches everything without patterns', () => {
      // Prepare
      const patterns = [...STREAM_FILTERS.match, ...STREAM_FILTERS.notify];

      // Act
      const either = [
        matchesFilter(record('MODIFY', { matchDue: { N: '1' } }), patterns),
        matchesFilter(record('MODIFY', { type: { S: 'outbox' }, status: { S: 'pending' } }), patterns),
        matchesFilter(record('MODIFY', { type: { S: 'audit' } }), patterns),
      ];

      // Assess
      expect(either).toEqual([true, true, false]);
      expect(matchesFilter(record('REMOVE'), undefined)).toBe(true);
      expect(matchesFilter(record('REMOVE'), [])).toBe(true);
    });

    it('compares JSON numbers numerically, matches any element of an array, and supports a few operators', () => {
      // Prepare
      const event = { n: 5, tags: ['a', 'b'], s: 'outbox#1', flag: false, nothing: null };

      // Act / Assess
      expect(matchesFilter(event, [{ n: [5] }])).toBe(true);
      expect(matchesFilter(event, [{ n: ['5'] }])).toBe(false);
      expect(matchesFilter(event, [{ tags: ['b'] }])).toBe(true);
      expect(matchesFilter(event, [{ flag: [false], nothing: [null] }])).toBe(true);
      expect(matchesFilter(event, [{ s: [{ prefix: 'outbox#' }] }])).toBe(true);
      expect(matchesFilter(event, [{ missing: [{ exists: false }], n: [{ exists: true }] }])).toBe(true);
      expect(matchesFilter(event, [{ n: [{ numeric: ['>', 1, '<=', 5] }] }])).toBe(true);
      expect(matchesFilter(event, [{ s: [{ 'anything-but': ['x'] }] }])).toBe(true);
      expect(matchesFilter(event, [{ n: { nested: ['x'] } }])).toBe(false);
    });

    it('refuses an operator it does not emulate instead of guessing', () => {
      // Prepare
      const pattern = [{ s: [{ wildcard: 'out*' }] }];

      // Act
      const apply = () => matchesFilter({ s: 'outbox' }, pattern);

      // Assess
      expect(apply).toThrow('not supported');
    });
  });
});
