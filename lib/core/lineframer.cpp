// SPDX-License-Identifier: MIT
#include "core/lineframer.h"

/*
 * The SpreadSite wire grammar (both directions)
 *
 *   stream   = *message
 *   message  = *OCTET ( LF / CR LF / quiet / end )
 *
 * - A message is any bytes, NUL and invalid UTF-8 included, up to a line
 *   feed. A CR right before the LF belongs to the line ending, not to the
 *   message. Every other byte is the message's own and is relayed unchanged.
 * - "quiet": the seed's Twisted client writes its messages with no line
 *   ending at all. The owner of the framer (the server's session layer or
 *   the client) therefore calls takePartial() once the sender has been silent
 *   for the flush delay, and delivers the unfinished line as one message.
 * - "end": the sender half-closed or went away; what it had sent is still a
 *   message, never silently lost.
 * - A message longer than maxLength() bytes (terminator excluded) is a
 *   protocol error, as in Twisted's LineReceiver: feed() returns Overlong.
 *
 * The server adds a single LF to every message it relays.
 */

QByteArray LineFramer::takePartial()
{
    QByteArray line = std::exchange(m_partial, QByteArray());
    if (line.endsWith('\r'))
        line.chop(1);
    return line;
}
