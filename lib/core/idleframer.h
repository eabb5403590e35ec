// SPDX-License-Identifier: MIT
#pragma once

/*
 * Idle-gap framing (--framing idle:MS)
 *
 *   stream   = *( message quiet ) [ message end ]
 *   message  = 1*OCTET, at most maxLength octets
 *
 * - A message is every byte that arrived before its sender was quiet for MS
 *   ms: the seed's raw behaviour, for devices that write a frame at once and
 *   then pause. The owner of the framer (engine, client) keeps the clock and
 *   calls takePartial() when the quiet time has passed; feed() itself never
 *   ends a message. With MS = 0 every read is a message.
 * - More than maxLength bytes without a pause is Overlong.
 * - The end of the stream ends the last message. No byte is added when relaying.
 */

#include <QByteArray>
#include <QByteArrayView>

#include <utility>

#include "core/framing.h"

class IdleFramer : public UnfinishedFrame
{
public:
    explicit IdleFramer(qsizetype maxLength) : m_maxLength(maxLength) { }

    void setMaxLength(qsizetype maxLength) { m_maxLength = maxLength; }

    template <typename OnMessage>
    FrameStatus feed(QByteArrayView data, OnMessage &&)
    {
        if (m_partial.size() + data.size() > m_maxLength) {
            clear();
            return FrameStatus::Overlong;
        }
        m_partial.append(data.data(), data.size());
        return FrameStatus::Ok;
    }

private:
    qsizetype m_maxLength;
};
