// SPDX-License-Identifier: MIT
// libFuzzer target: idle-gap framing (IdleFramer behind Framer) against a plain
// reference, in arbitrary chunks.
//
// Input: byte 0 picks the length limit (1 to 64), byte 1 where the sender
// pauses, byte 2 the chunk pattern, byte 3 the quiet time; the rest is the
// stream. The pauses are part of the input (the owner's clock calls
// takePartial() there); the reads between them are cut by the chunk pattern.
// Whatever the cutting, the framer must produce exactly what the reference
// produces from the stream cut at the pauses alone.

#include "framerfuzz.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <cstdint>
#include <cstdlib>

using namespace Qt::Literals::StringLiterals;

namespace {

using FramerFuzz::Outcome;


/** Stream offsets at which the sender pauses, in order; two at one offset are a pause with nothing before it. */
QList<qsizetype> pausesOf(qsizetype streamSize, uint8_t seed)
{
    QList<qsizetype> pauses;
    uint32_t state = seed;
    qsizetype at = 0;
    for (;;) {
        state = state * 1103515245u + 12345u;
        at += (state >> 16) % 80;
        if (at > streamSize)
            return pauses;
        pauses.append(at);
    }
}

// The grammar of idleframer.h, the simplest way: the stream cut at each pause, each piece checked.
Outcome reference(const QByteArray &stream, const QList<qsizetype> &pauses, qsizetype maxLength)
{
    Outcome out;
    qsizetype start = 0;
    for (const qsizetype pause : pauses) {
        const QByteArray piece = stream.mid(start, pause - start);
        if (piece.size() > maxLength) {
            out.status = FrameStatus::Overlong;
            return out;
        }
        if (!piece.isEmpty())   // a quiet time with nothing before it is no message
            out.messages.append(piece);
        start = pause;
    }
    const QByteArray rest = stream.mid(start);
    if (rest.size() > maxLength) {
        out.status = FrameStatus::Overlong;
        return out;
    }
    out.partial = rest;
    return out;
}

Outcome chunked(const QByteArray &stream, const QList<qsizetype> &pauses, const Framing &framing, qsizetype maxLength,
                uint8_t pattern)
{
    Outcome out;
    Framer framer(framing, maxLength);
    const auto onMessage = [](QByteArrayView) {
        std::abort();   // feed() never ends an idle frame
        return true;
    };
    qsizetype at = 0;
    qsizetype nextPause = 0;
    uint32_t state = pattern;
    for (;;) {
        // The owner's quiet timer: what arrived so far is a message.
        while (nextPause < pauses.size() && pauses[nextPause] == at) {
            if (framer.hasPartial()) {
                const qsizetype partialSize = framer.partialSize();
                out.messages.append(framer.takePartial());
                if (out.messages.last().size() != partialSize || framer.hasPartial())
                    std::abort();
            }
            ++nextPause;
        }
        if (at == stream.size())
            break;
        state = state * 1103515245u + 12345u;
        qsizetype chunk = qMin<qsizetype>(stream.size() - at, 1 + (state >> 16) % 29);
        if ((state >> 8) % 16 == 0)
            chunk = stream.size() - at;
        if (nextPause < pauses.size())
            chunk = qMin(chunk, pauses[nextPause] - at);
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
    const qsizetype maxLength = 1 + data[0] % 64;
    const uint8_t pauseSeed = data[1];
    const uint8_t pattern = data[2];
    const int idleMs = data[3] % 4 == 0 ? 0 : data[3] * 10;
    const QByteArray stream(reinterpret_cast<const char *>(data + 4), qsizetype(size - 4));

    const std::optional<Framing> framing = Framing::parse(u"idle:%1"_s.arg(idleMs));
    if (!framing || framing->kind != Framing::Kind::Idle || framing->idleMs != idleMs)
        std::abort();
    if (Framing::parse(framing->spec()) != framing || framing->quietMs(20) != idleMs)
        std::abort();

    const QList<qsizetype> pauses = pausesOf(stream.size(), pauseSeed);
    const Outcome expected = reference(stream, pauses, maxLength);
    const Outcome actual = chunked(stream, pauses, *framing, maxLength, pattern);
    if (!(expected == actual))
        std::abort();
    for (const QByteArray &message : actual.messages) {
        if (framing->encode(message) != message || !framing->carries(message))   // a sender's payload goes as it is
            std::abort();
    }
    if (framing->carries(stream) == stream.isEmpty())
        std::abort();
    return 0;
}
