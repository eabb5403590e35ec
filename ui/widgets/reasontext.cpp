// SPDX-License-Identifier: MIT
#include "widgets/reasontext.h"

#include <string_view>

#include "core/reasons.h"

namespace {
enum class Argument {
    None,
    Text,     ///< an address, a number, the operator's words: kept as they are
    Reason,   ///< itself a reason, maybe a known one: translated too
};

struct Known
{
    QLatin1StringView english;   // as lib sends it, %1 (and %2) for the arguments, in that order
    const char *source;          // the same words, for lupdate
    Argument argument;
    Argument second = Argument::None;   // %2, if there is one
};

// Each reason of core/reasons.h, beside its words as a literal that lupdate
// can read; the static_assert below keeps the two equal.
constexpr Known KNOWN[] = {
    { Reasons::NotAllowed, QT_TRANSLATE_NOOP("ReasonText", "not allowed"), Argument::None },
    { Reasons::ServerFull, QT_TRANSLATE_NOOP("ReasonText", "server full"), Argument::None },
    { Reasons::TooManyConnectionsFrom, QT_TRANSLATE_NOOP("ReasonText", "too many connections from %1"), Argument::Text },
    { Reasons::ClientSentClose, QT_TRANSLATE_NOOP("ReasonText", "client sent close"), Argument::None },
    { Reasons::DroppedByTheServer, QT_TRANSLATE_NOOP("ReasonText", "dropped by the server"), Argument::None },
    { Reasons::DroppedByTheServerBecause, QT_TRANSLATE_NOOP("ReasonText", "dropped by the server: %1"), Argument::Text },
    { Reasons::ServerStopped, QT_TRANSLATE_NOOP("ReasonText", "server stopped"), Argument::None },
    { Reasons::ServerShuttingDown, QT_TRANSLATE_NOOP("ReasonText", "server shutting down"), Argument::None },
    { Reasons::CannotAccept, QT_TRANSLATE_NOOP("ReasonText", "cannot accept a connection: %1"), Argument::Text },
    // %1 is Framing::encode()'s words, which lib does not give as reasons: kept as they are.
    { Reasons::CannotFrame, QT_TRANSLATE_NOOP("ReasonText", "message not sent: %1"), Argument::Text },
    { Reasons::ClosedByPeer, QT_TRANSLATE_NOOP("ReasonText", "closed by peer"), Argument::None },
    { Reasons::MessageTooLong, QT_TRANSLATE_NOOP("ReasonText", "message too long"), Argument::None },
    { Reasons::TooSlow, QT_TRANSLATE_NOOP("ReasonText", "too slow"), Argument::None },
    { Reasons::BadFrameLength, QT_TRANSLATE_NOOP("ReasonText", "bad length field"), Argument::None },
    { Reasons::UnfinishedFrame, QT_TRANSLATE_NOOP("ReasonText", "%1 (an unfinished frame of %2 bytes was dropped)"), Argument::Reason,
      Argument::Text },
    { Reasons::TlsHandshakeFailed, QT_TRANSLATE_NOOP("ReasonText", "TLS handshake failed: %1"), Argument::Reason },
    { Reasons::NoHandshakeWithin, QT_TRANSLATE_NOOP("ReasonText", "no handshake within %1 ms"), Argument::Text },
    { Reasons::ClientClosedTheConnection, QT_TRANSLATE_NOOP("ReasonText", "the client closed the connection"), Argument::None },
    { Reasons::ClearText, QT_TRANSLATE_NOOP("ReasonText", "clear text, not TLS"), Argument::None },
    { Reasons::HandshakeStalled, QT_TRANSLATE_NOOP("ReasonText", "stalled for %1 ms while others waited"), Argument::Text },
    { Reasons::NoClientCertificate, QT_TRANSLATE_NOOP("ReasonText", "no client certificate"), Argument::None },
    { Reasons::ClientCertificateRefused, QT_TRANSLATE_NOOP("ReasonText", "client certificate refused: %1"), Argument::Text },
    { Reasons::TlsError, QT_TRANSLATE_NOOP("ReasonText", "TLS error: %1"), Argument::Text },
};

constexpr bool sourcesMatch()
{
    for (const Known &known : KNOWN) {
        if (std::string_view(known.english.data(), size_t(known.english.size())) != std::string_view(known.source))
            return false;
    }
    return true;
}
static_assert(sourcesMatch(), "a reason's words differ from core/reasons.h");

constexpr QLatin1StringView PLACEHOLDER { "%1" };
constexpr QLatin1StringView SECOND_PLACEHOLDER { "%2" };

QString argumentText(const QString &argument, Argument kind)
{
    return kind == Argument::Reason ? ReasonText::translated(argument) : argument;
}
} // namespace

QString ReasonText::translated(const QString &englishReason)
{
    for (const Known &known : KNOWN) {
        const qsizetype at = known.english.indexOf(PLACEHOLDER);
        if (at < 0) {
            if (englishReason == known.english)
                return tr(known.source);
            continue;
        }
        const QLatin1StringView prefix = known.english.first(at);
        const QLatin1StringView rest = known.english.sliced(at + PLACEHOLDER.size());
        const qsizetype secondAt = known.second == Argument::None ? -1 : rest.indexOf(SECOND_PLACEHOLDER);
        // Without a %2: prefix %1 suffix. With one: prefix %1 middle %2 suffix.
        const QLatin1StringView middle = secondAt < 0 ? QLatin1StringView() : rest.first(secondAt);
        const QLatin1StringView suffix = secondAt < 0 ? rest : rest.sliced(secondAt + SECOND_PLACEHOLDER.size());
        if (englishReason.size() < prefix.size() + middle.size() + suffix.size() || !englishReason.startsWith(prefix)
            || !englishReason.endsWith(suffix))
            continue;
        const QString between = englishReason.sliced(prefix.size(), englishReason.size() - prefix.size() - suffix.size());
        if (secondAt < 0)
            return tr(known.source).arg(argumentText(between, known.argument));
        // The last middle: %1 may be a reason with words of its own, %2 is a number.
        const qsizetype split = between.lastIndexOf(middle);
        if (split < 0)
            continue;
        return tr(known.source).arg(argumentText(between.first(split), known.argument),
                                    argumentText(between.sliced(split + middle.size()), known.second));
    }
    return englishReason;
}
