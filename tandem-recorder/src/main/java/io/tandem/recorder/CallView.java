package io.tandem.recorder;

import io.tandem.call.CallRecord;
import io.tandem.call.CallRole;
import io.tandem.call.CallState;
import io.tandem.call.DtmfEvent;
import io.tandem.call.MediaStats;
import io.tandem.call.Participant;
import io.tandem.call.StreamInfo;
import java.time.Instant;
import java.util.List;

/** A call of the call buffer as the admin API shows it: INUM as its 15 digits, times in UTC. */
record CallView(String inum, String correlationKey, Instant start, Instant end, CallRole callRole, CallState state,
    List<Participant> participants, List<StreamInfo> streams, MediaStats media, String mediaPath, String sipIdentity,
    List<String> quirks, List<DtmfEvent> dtmf) {

  static CallView of(CallRecord call) {
    return new CallView(call.inum().toString(), call.correlationKey(), call.start(), call.end(), call.callRole(),
        call.state(), call.participants(), call.streams(), call.stats(), call.mediaPath(), call.sipIdentity(),
        call.quirks(), call.dtmf());
  }
}
