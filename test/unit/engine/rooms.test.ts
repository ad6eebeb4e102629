import { describe, expect, it } from 'vitest';
import {
  checkPost,
  consentingSide,
  consentToJoint,
  findRoom,
  isRoomName,
  isRoomOpen,
  isRoomRejection,
  type JointConsent,
  ROOM_NAMES,
  type RoomName,
  roomsFor,
} from '../../../shared/engine/rooms';
import { joinSession, type Session, withdraw } from '../../../shared/engine/session';
import type { Role } from '../../../shared/engine/types';
import { accepted, newSession, T0 } from './session/support';

const NONE: JointConsent = { claimant: false, respondent: false };
const BOTH: JointConsent = { claimant: true, respondent: true };

const ok = (result: Parameters<typeof accepted>[0]): Session => accepted(result).session;

/** Both sides joined; a joined mediator when asked. */
function session(options: { mediator?: boolean } = {}): Session {
  const s = ok(joinSession(newSession(), 'respondent', T0));
  return options.mediator ? ok(joinSession(s, 'mediator', T0)) : s;
}

describe('rooms', () => {
  describe('roomsFor', () => {
    it.each<[string, Role, boolean, RoomName[]]>([
      ['claimant, no mediator', 'claimant', false, ['claimant', 'joint']],
      ['respondent, no mediator', 'respondent', false, ['respondent', 'joint']],
      ['claimant, with a mediator', 'claimant', true, ['claimant', 'caucus-claimant', 'joint']],
      ['respondent, with a mediator', 'respondent', true, ['respondent', 'caucus-respondent', 'joint']],
      ['mediator', 'mediator', true, ['caucus-claimant', 'caucus-respondent', 'joint']],
    ])('%s sees its own rooms only, in a fixed order', (_what, role, mediator, expected) => {
      // Prepare
      const s = session({ mediator });

      // Act
      const rooms = roomsFor(s, role);

      // Assess
      expect(rooms).toEqual(expected);
    });
  });

  describe('findRoom', () => {
    it('answers a room the caller may see, and room_not_found alike for one it may not see or that does not exist', () => {
      // Prepare
      const s = session({ mediator: true });

      // Act
      const mine = findRoom(s, 'claimant', 'caucus-claimant');
      const found = ['respondent', 'caucus-respondent', 'lobby', '', 'JOINT'].map((name) =>
        findRoom(s, 'claimant', name),
      );
      const mediatorInSide = findRoom(s, 'mediator', 'claimant');

      // Assess
      expect(mine).toBe('caucus-claimant');
      for (const rejection of [...found, mediatorInSide]) {
        expect(rejection).toEqual({ rejected: 'room_not_found', message: 'No such room.' });
        expect(isRoomRejection(rejection)).toBe(true);
      }
      expect(isRoomRejection(mine)).toBe(false);
    });

    it('has no caucus before a mediator joined', () => {
      // Act
      const caucus = findRoom(session(), 'respondent', 'caucus-respondent');

      // Assess
      expect(caucus).toMatchObject({ rejected: 'room_not_found' });
    });
  });

  describe('isRoomName and isRoomOpen', () => {
    it('knows the five rooms; only the joint room can be closed, until both sides consented', () => {
      // Act + Assess
      expect(ROOM_NAMES.every(isRoomName)).toBe(true);
      expect(isRoomName('caucus')).toBe(false);
      for (const room of ROOM_NAMES.filter((r) => r !== 'joint')) expect(isRoomOpen(room, NONE)).toBe(true);
      expect(isRoomOpen('joint', NONE)).toBe(false);
      expect(isRoomOpen('joint', { claimant: true, respondent: false })).toBe(false);
      expect(isRoomOpen('joint', { claimant: false, respondent: true })).toBe(false);
      expect(isRoomOpen('joint', BOTH)).toBe(true);
    });
  });

  describe('checkPost', () => {
    it('lets a message into an open room while the session runs', () => {
      // Act + Assess
      expect(checkPost(session(), 'claimant', NONE, T0)).toBeNull();
      expect(checkPost(session(), 'joint', BOTH, T0)).toBeNull();
    });

    it('refuses the joint room before both sides consented: room_closed', () => {
      // Act
      const result = checkPost(session(), 'joint', { claimant: true, respondent: false }, T0);

      // Assess
      expect(result).toMatchObject({ rejected: 'room_closed' });
    });

    it('refuses every room after the end, the ended state first: session_ended', () => {
      // Prepare
      const ended = ok(withdraw(session(), 'claimant', T0));

      // Act + Assess
      expect(checkPost(ended, 'claimant', NONE, T0)).toMatchObject({ rejected: 'session_ended' });
      expect(checkPost(ended, 'joint', NONE, T0)).toMatchObject({ rejected: 'session_ended' });
    });
  });

  describe('consent to the joint room', () => {
    it('is a side’s; the mediator is forbidden', () => {
      // Act + Assess
      expect(consentingSide('claimant')).toBe('claimant');
      expect(consentingSide('respondent')).toBe('respondent');
      expect(consentingSide('mediator')).toMatchObject({ rejected: 'forbidden' });
    });

    it('records a side once; again changes nothing; after the end it is session_ended', () => {
      // Prepare
      const s = session();

      // Act
      const first = consentToJoint(s, 'claimant', NONE, T0);
      const again = consentToJoint(s, 'claimant', { claimant: true, respondent: false }, T0);
      const second = consentToJoint(s, 'respondent', { claimant: true, respondent: false }, T0);
      const late = consentToJoint(ok(withdraw(s, 'respondent', T0)), 'claimant', NONE, T0);

      // Assess
      expect(first).toEqual({ consent: { claimant: true, respondent: false }, changed: true });
      expect(again).toEqual({ consent: { claimant: true, respondent: false }, changed: false });
      expect(second).toEqual({ consent: BOTH, changed: true });
      expect(late).toMatchObject({ rejected: 'session_ended' });
    });
  });
});
