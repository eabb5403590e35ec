// SPDX-License-Identifier: MIT
#pragma once
// What the framer fuzz targets share: an outcome, and a Framer fed a stream in the
// chunks a pattern byte picks (empty reads and the rest at once now and then).

#include "core/framer.h"
#include "core/framing.h"

#include <QByteArray>
#include <QList>

#include <cstdint>
#include <cstdlib>

namespace FramerFuzz {

struct Outcome {
    QList<QByteArray> messages;
    QByteArray partial;
    FrameStatus status = FrameStatus::Ok;
    bool operator==(const Outcome &) const = default;
};

/** @p stream through a Framer in chunks of 1 to @p maxChunk bytes; the callback stops at message @p stopAt (0: never). */
inline Outcome chunked(const QByteArray &stream, const Framing &framing, qsizetype maxLength, int stopAt, uint8_t pattern,
                       uint32_t maxChunk)
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
        qsizetype chunk = qMin<qsizetype>(stream.size() - at, 1 + (state >> 16) % maxChunk);
        if ((state >> 8) % 16 == 0)
            chunk = stream.size() - at;   // now and then the rest at once
        if ((state >> 4) % 13 == 0 && framer.feed(QByteArrayView(), onMessage) != FrameStatus::Ok)
            std::abort();   // an empty read changes nothing
        out.status = framer.feed(QByteArrayView(stream).sliced(at, chunk), onMessage);
        if (out.status != FrameStatus::Ok) {
            if (framer.hasPartial())
                std::abort();   // Stopped discards the rest, Overlong clears
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

} // namespace FramerFuzz
