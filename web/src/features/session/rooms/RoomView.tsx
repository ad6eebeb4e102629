import { type FormEvent, useEffect, useId } from 'react';
import type { SessionView } from '../../../api/client';
import { isEnded } from '../../../domain/phase';
import { formatInstant } from '../../../time/countdown';
import { ErrorMessage } from '../../../ui/ErrorMessage';
import { useRoomMessages } from './useRoomMessages';
import { type RoomInfo, useConsent, usePostMessage } from './useRooms';

/** The joint room before both sides agreed: its state, and the consent for a side member. */
function JointConsent({ view, room }: { view: SessionView; room: RoomInfo }) {
  const consent = useConsent(view.id);
  if (view.myRole === 'mediator') {
    return <p>The joint room opens once both sides agree to open it. Only the sides can open it.</p>;
  }
  if (room.consented) {
    return (
      <p role="status">Your side agreed to open the joint room. It opens when the other side agrees too.</p>
    );
  }
  if (isEnded(view.phase)) return <p>The joint room was never opened.</p>;
  return (
    <div>
      <p>
        The joint room is for everyone in the session: both sides and the mediator. It opens once each side
        agrees; any member may agree for their side.
      </p>
      <button type="button" disabled={consent.isPending} onClick={() => consent.mutate(undefined)}>
        Open the joint room
      </button>
      <ErrorMessage error={consent.error} prefix="Your side’s agreement was not recorded." />
    </div>
  );
}

/** One room: its messages (newest page first, older on request) and the form to write in it. */
export function RoomView({
  view,
  room,
  title,
  onSeen,
}: {
  view: SessionView;
  room: RoomInfo;
  title: string;
  onSeen: (count: number) => void;
}) {
  const messages = useRoomMessages(view.id, room.room, room.messageCount);
  const send = usePostMessage(view.id, room.room);
  const textId = useId();
  const ended = isEnded(view.phase);

  useEffect(() => {
    if (messages.loaded) onSeen(room.messageCount);
  }, [messages.loaded, room.messageCount, onSeen]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const text = String(new FormData(form).get('text') ?? '');
    if (text.trim() === '') return;
    send.mutate(text, {
      onSuccess: (message) => {
        messages.add(message);
        form.reset();
      },
    });
  };

  return (
    <div
      role="tabpanel"
      id={`room-panel-${room.room}`}
      aria-labelledby={`room-tab-${room.room}`}
      className="room"
    >
      <h3>{title}</h3>
      {messages.older && (
        <button type="button" className="secondary" onClick={() => void messages.loadOlder()}>
          Older messages
        </button>
      )}
      {messages.loaded && messages.messages.length === 0 && <p className="muted">No messages yet.</p>}
      {!messages.loaded && !messages.error && <p>Loading the messages…</p>}
      <ErrorMessage error={messages.error} prefix="The messages could not be loaded." />
      {messages.messages.length > 0 && (
        <ol className="messages" aria-label={`Messages in ${title}`}>
          {messages.messages.map((m) => (
            <li key={m.id}>
              <p className="message-meta">
                <strong>{m.author.email}</strong> <time dateTime={m.sentAt}>{formatInstant(m.sentAt)}</time>
              </p>
              <p className="message-text">{m.text}</p>
            </li>
          ))}
        </ol>
      )}
      {!room.open && <JointConsent view={view} room={room} />}
      {ended ? (
        <p className="muted">The session has ended: its rooms can be read but take no new message.</p>
      ) : (
        room.open && (
          <form onSubmit={onSubmit}>
            <div className="field">
              <label htmlFor={textId}>Message</label>
              <textarea id={textId} name="text" rows={3} required maxLength={10000} />
            </div>
            <button type="submit" disabled={send.isPending}>
              Send
            </button>
            <ErrorMessage error={send.error} prefix="Your message was not sent." />
          </form>
        )
      )}
    </div>
  );
}
