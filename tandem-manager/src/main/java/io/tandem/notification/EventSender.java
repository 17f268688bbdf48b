package io.tandem.notification;

import io.tandem.database.EventView;
import java.io.IOException;

/** Sends events to one target, one at a time, in the order given. Used by one delivery thread. */
interface EventSender extends AutoCloseable {
  /** Returns once the target took the event; throws saying why not, and the event is sent again later. */
  void send(EventView event) throws IOException, InterruptedException;

  @Override
  void close();
}
