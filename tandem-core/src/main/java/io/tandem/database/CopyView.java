package io.tandem.database;

import io.tandem.call.CallRole;
import io.tandem.call.DtmfEvent;
import java.util.List;

/**
 * One marked copy of an interaction; {@code inum} is the 15-digit INUM and {@code serial} six digits;
 * {@code quirks} lists what its capture source sent that was odd but recordable, {@code dtmf} the digits sent
 * during the call; {@code archive} its archive state, null while it is not archived.
 */
public record CopyView(String inum, String serial, CallRole callRole, boolean complete, boolean marked,
    List<String> quirks, List<DtmfEvent> dtmf, CopyArchive archive) {
  public CopyView {
    quirks = quirks == null ? List.of() : List.copyOf(quirks);
    dtmf = dtmf == null ? List.of() : List.copyOf(dtmf);
  }

  /** A copy that is not archived. */
  public CopyView(String inum, String serial, CallRole callRole, boolean complete, boolean marked,
      List<String> quirks, List<DtmfEvent> dtmf) {
    this(inum, serial, callRole, complete, marked, quirks, dtmf, null);
  }
}
