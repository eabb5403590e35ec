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

class FixedFramer
{
public:
    explicit FixedFramer(qsizetype size) : m_size(size) { Q_ASSERT(size > 0); }

    void setMaxLength(qsizetype) { }
    bool hasPartial() const { return !m_partial.isEmpty(); }
    qsizetype partialSize() const { return m_partial.size(); }
    QByteArray takePartial() { return std::exchange(m_partial, QByteArray()); }
    void clear() { m_partial = QByteArray(); }

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
    QByteArray m_partial;
    qsizetype m_size;
};
