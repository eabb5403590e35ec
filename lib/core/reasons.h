// SPDX-License-Identifier: MIT
#pragma once

#include <QLatin1StringView>

/**
 * Why the server refuses or ends a connection, in the words that go on the
 * wire and into the logs. They are protocol, not user interface: a refused
 * client reads the refusal as its one line, scripts grep the console log and
 * the JSON Lines for them, so they never pass through tr(). The windows show
 * them translated with ReasonText::translated() (ui/widgets/reasontext.h),
 * which knows every one of these.
 *
 * %1, where present, is filled in with QString::arg().
 */
namespace Reasons {

// Refusals: sent to the client as one line, then it is closed (SpreadServer).
inline constexpr QLatin1StringView NotAllowed { "not allowed" };
inline constexpr QLatin1StringView ServerFull { "server full" };
inline constexpr QLatin1StringView TooManyConnectionsFrom { "too many connections from %1" };   ///< %1: the address

// Disconnects decided by the server's rules (SpreadServer).
inline constexpr QLatin1StringView ClientSentClose { "client sent close" };
inline constexpr QLatin1StringView DroppedByTheServer { "dropped by the server" };
inline constexpr QLatin1StringView DroppedByTheServerBecause { "dropped by the server: %1" };   ///< %1: the operator's words
inline constexpr QLatin1StringView ServerStopped { "server stopped" };
inline constexpr QLatin1StringView ServerShuttingDown { "server shutting down" };   ///< SIGINT, SIGTERM
/** A warning, not a disconnect: %1 is the system's reason (out of descriptors...). */
inline constexpr QLatin1StringView CannotAccept { "cannot accept a connection: %1" };
/** A warning: the server's own message does not fit the framing; %1: Framing::encode()'s words. */
inline constexpr QLatin1StringView CannotFrame { "message not sent: %1" };

// Disconnects by the session layer (SessionEngine). A socket error's own text is a reason too.
inline constexpr QLatin1StringView ClosedByPeer { "closed by peer" };
inline constexpr QLatin1StringView MessageTooLong { "message too long" };
inline constexpr QLatin1StringView TooSlow { "too slow" };
/** Length framing: a length field that announces fewer bytes than its own header. */
inline constexpr QLatin1StringView BadFrameLength { "bad length field" };
/** Binary framings: %1 is why the stream ended, %2 the bytes of the unfinished frame, which is not a message. */
inline constexpr QLatin1StringView UnfinishedFrame { "%1 (an unfinished frame of %2 bytes was dropped)" };

// TLS clients turned away before they became sessions (SessionEngine::handshakeFailed).
inline constexpr QLatin1StringView TlsHandshakeFailed { "TLS handshake failed: %1" };   ///< %1: why, maybe one of those below
inline constexpr QLatin1StringView NoHandshakeWithin { "no handshake within %1 ms" };
inline constexpr QLatin1StringView ClientClosedTheConnection { "the client closed the connection" };
inline constexpr QLatin1StringView ClearText { "clear text, not TLS" };   ///< its first byte cannot start a TLS handshake
/** %1: ms without a byte, while other clients waited for a handshake place. */
inline constexpr QLatin1StringView HandshakeStalled { "stalled for %1 ms while others waited" };
inline constexpr QLatin1StringView NoClientCertificate { "no client certificate" };   ///< mutual TLS
inline constexpr QLatin1StringView ClientCertificateRefused { "client certificate refused: %1" };   ///< %1: OpenSSL's verdict
/** An established TLS session broken by what the client sent; %1: OpenSSL's words. */
inline constexpr QLatin1StringView TlsError { "TLS error: %1" };

} // namespace Reasons
