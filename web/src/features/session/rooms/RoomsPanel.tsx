import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { SessionView } from '../../../api/client';
import { errorSentence } from '../../../api/errors';
import { RoomView } from './RoomView';
import { useSeen } from './seen';
import { type RoomInfo, type RoomName, useRooms } from './useRooms';

/** What each room is called on the page. */
const ROOM_TITLES: Record<RoomName, string> = {
  claimant: 'Claimant side',
  respondent: 'Respondent side',
  'caucus-claimant': 'Caucus: mediator and claimant',
  'caucus-respondent': 'Caucus: mediator and respondent',
  joint: 'Joint room',
};

const unreadOf = (room: RoomInfo, seen: Record<string, number>) =>
  Math.max(0, room.messageCount - (seen[room.room] ?? 0));

/**
 * The session's back channel: the caller's rooms as tabs (each with its unread count), and the
 * chosen room's messages with a form to write in it. Only the rooms the API lists for this caller
 * ever appear; another room's messages never reach this page.
 */
export function RoomsPanel({ view }: { view: SessionView }) {
  const rooms = useRooms(view.id);
  const { seen, markSeen } = useSeen(view.id);
  const [chosen, setChosen] = useState<RoomName | null>(null);
  const tabs = useRef(new Map<RoomName, HTMLButtonElement>());
  const list = rooms.data ?? [];
  const selected = list.find((r) => r.room === chosen) ?? list[0];

  useEffect(() => {
    if (selected && chosen === null) setChosen(selected.room);
  }, [selected, chosen]);

  const choose = (room: RoomName, focus = false) => {
    setChosen(room);
    if (focus) tabs.current.get(room)?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const at = list.findIndex((r) => r.room === selected?.room);
    const to =
      event.key === 'ArrowRight'
        ? (at + 1) % list.length
        : event.key === 'ArrowLeft'
          ? (at - 1 + list.length) % list.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? list.length - 1
              : null;
    if (to === null || !list[to]) return;
    event.preventDefault();
    choose(list[to].room, true);
  };

  return (
    <section aria-labelledby="rooms-heading" className="rooms">
      <h2 id="rooms-heading">Rooms</h2>
      <p className="hint">
        Private channels of this session, sealed so that only a room’s members can read them: your side’s
        room, a caucus with the mediator, and a joint room once both sides agree to open it.
      </p>
      {rooms.isPending && <p>Loading the rooms…</p>}
      {rooms.error && !rooms.data && (
        <p className="error">The rooms could not be loaded. {errorSentence(rooms.error)}</p>
      )}
      {selected && (
        <>
          <div role="tablist" aria-label="Your rooms" className="room-tabs" onKeyDown={onKeyDown}>
            {list.map((room) => {
              const unread = room.room === selected.room ? 0 : unreadOf(room, seen);
              const isSelected = room.room === selected.room;
              return (
                <button
                  key={room.room}
                  ref={(node) => {
                    if (node) tabs.current.set(room.room, node);
                  }}
                  type="button"
                  role="tab"
                  id={`room-tab-${room.room}`}
                  aria-selected={isSelected}
                  aria-controls={`room-panel-${room.room}`}
                  tabIndex={isSelected ? 0 : -1}
                  className={isSelected ? 'room-tab selected' : 'room-tab'}
                  onClick={() => choose(room.room)}
                >
                  {ROOM_TITLES[room.room]}
                  {unread > 0 && <span className="badge unread">{unread} new</span>}
                </button>
              );
            })}
          </div>
          <RoomView
            key={selected.room}
            view={view}
            room={selected}
            title={ROOM_TITLES[selected.room]}
            onSeen={(count) => markSeen(selected.room, count)}
          />
        </>
      )}
    </section>
  );
}
