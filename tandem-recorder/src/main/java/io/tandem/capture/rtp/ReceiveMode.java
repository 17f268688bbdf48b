package io.tandem.capture.rtp;

/**
 * How capture threads read their RTP sockets ({@code rtp.receive}): {@link #BATCH} takes every datagram a socket
 * holds, up to a turn's budget, with one Linux {@code recvmmsg} call; {@link #PLAIN} makes one JDK receive per
 * datagram; {@link #AUTO} picks batch when a check at start finds it working (Linux on x86_64 or aarch64, a JDK
 * with the foreign-function API, the system call answering on a probe socket), else plain.
 */
public enum ReceiveMode {
  BATCH, PLAIN, AUTO
}
