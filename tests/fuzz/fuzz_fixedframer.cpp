// SPDX-License-Identifier: MIT
// libFuzzer target: fixed-size framing (FixedFramer behind Framer) against a plain
// reference, in arbitrary chunks.
//
// Input: byte 0 picks the frame size (1 to 32), byte 1 the longest message the
// owner allows, byte 2 the message at which the callback says stop (0: never),
// byte 3 the chunk pattern; the rest is the stream. Whatever the chunking, the
// framer must produce exactly what the reference produces from the whole stream.

#include "core/framer.h"
#include "core/framing.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>
#include <cstdlib>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace {

struct Outcome {
    QList<QByteArray> messages;
    QByteArray partial;
    FrameStatus status = FrameStatus::Ok;
    bool operator==(const Outcome &) const = default;
};

// The grammar of fixedframer.h, the simplest way: every N bytes from the first one, byte by byte.
Outcome reference(const QByteArray &stream, qsizetype frameSize, int stopAt)
{
    Outcome out;
    QByteArray current;
    for (const char byte : stream) {
        current.append(byte);
        if (current.size() < frameSize)
            continue;
        out.messages.append(std::exchange(current, QByteArray()));
        if (out.messages.size() == stopAt) {
            out.status = FrameStatus::Stopped;
            return out;
        }
    }
    out.partial = current;
    return out;
}

Outcome chunked(const QByteArray &stream, const Framing &framing, qsizetype maxLength, int stopAt, uint8_t pattern)
{
    Outcome out;
    Framer framer(framing, maxLength);
    const auto onMessage = [&out, stopAt](QByteArrayView message) {
        out.messages.append(message.toByteArray());
        return out.messages.size() != stopAt;
    };
    qsizetype at = 0;
    uint32_t state = pattern;
    while (at < stream.size()) {
        state = state * 1103515245u + 12345u;
        qsizetype chunk = qMin<qsizetype>(stream.size() - at, 1 + (state >> 16) % 41);
        if ((state >> 8) % 16 == 0)
            chunk = stream.size() - at;
        if ((state >> 4) % 13 == 0 && framer.feed(QByteArrayView(), onMessage) != FrameStatus::Ok)
            std::abort();
        out.status = framer.feed(QByteArrayView(stream).sliced(at, chunk), onMessage);
        if (out.status != FrameStatus::Ok) {
            if (framer.hasPartial())
                std::abort();
            return out;
        }
        at += chunk;
    }
    const qsizetype partialSize = framer.partialSize();
    out.partial = framer.takePartial();
    if (partialSize != out.partial.size() || framer.hasPartial())
        std::abort();
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const qsizetype frameSize = 1 + data[0] % 32;
    const qsizetype maxLength = 1 + data[1] % 64;
    const int stopAt = data[2] % 8;
    const uint8_t pattern = data[3];
    const QByteArray stream(reinterpret_cast<const char *>(data + 4), qsizetype(size - 4));

    const std::optional<Framing> framing = Framing::parse(u"fixed:%1"_s.arg(frameSize));
    if (!framing || framing->kind != Framing::Kind::Fixed || framing->fixedSize != frameSize)
        std::abort();
    if (Framing::parse(framing->spec()) != framing)
        std::abort();
    // The owner refuses a frame size over its limit; the framer itself ignores the limit.
    if (framing->checkLimit(maxLength).isEmpty() != (frameSize <= maxLength))
        std::abort();

    const Outcome expected = reference(stream, frameSize, stopAt);
    const Outcome actual = chunked(stream, *framing, maxLength, stopAt, pattern);
    if (!(expected == actual))
        std::abort();
    // What a sender composes of one frame's bytes is that frame.
    for (const QByteArray &message : actual.messages) {
        if (framing->encode(message) != message || !framing->carries(message))
            std::abort();
    }
    if (!actual.partial.isEmpty() && (framing->encode(actual.partial) || framing->carries(actual.partial)))
        std::abort();
    // The whole stream is one message exactly when carries() says so.
    const Outcome whole = reference(stream, frameSize, 0);
    if (framing->carries(stream) != (whole.messages == QList<QByteArray> { stream } && whole.partial.isEmpty()))
        std::abort();
    return 0;
}
