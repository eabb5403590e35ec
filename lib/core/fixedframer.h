// SPDX-License-Identifier: MIT
#pragma once

/*
 * Fixed-size framing (--framing fixed:N)
 *
 *   stream   = *message [ unfinished ]
 *   message  = N OCTET
 *
 * - Every N bytes are one message, whatever they hold; the stream's first
 *   byte starts the first one. No byte is added when relaying.
 * - N is at most the longest message (Framing::checkLimit()), so a fixed
 *   framer is never Overlong.
 * - Bytes of an unfinished frame are kept until the rest arrives; at the end
 *   of the stream they are not a message.
 */

#include <QByteArray>
#include <QByteArrayView>

#include <utility>

#include "core/framing.h"

class FixedFramer : public UnfinishedFrame
{
public:
    explicit FixedFramer(qsizetype size) : m_size(size) { Q_ASSERT(size > 0); }

    void setMaxLength(qsizetype) { }

    template <typename OnMessage>
    FrameStatus feed(QByteArrayView data, OnMessage &&onMessage)
    {
        if (!m_partial.isEmpty()) {
            const qsizetype wanted = std::min(m_size - m_partial.size(), data.size());
            m_partial.append(data.data(), wanted);
            data = data.sliced(wanted);
            if (m_partial.size() < m_size)
                return FrameStatus::Ok;
            const QByteArray message = std::exchange(m_partial, QByteArray());
            if (!onMessage(QByteArrayView(message)))
                return FrameStatus::Stopped;
        }
        while (data.size() >= m_size) {
            if (!onMessage(data.first(m_size)))
                return FrameStatus::Stopped;
            data = data.sliced(m_size);
        }
        if (!data.isEmpty())
            m_partial = data.toByteArray();
        return FrameStatus::Ok;
    }

private:
    qsizetype m_size;
};
