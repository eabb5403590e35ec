// SPDX-License-Identifier: MIT
#pragma once

/*
 * Delimiter framing (--framing delimiter:HEX)
 *
 *   stream   = *( message delimiter ) [ unfinished ]
 *   message  = *OCTET, not containing delimiter, at most maxLength octets
 *
 * - The first occurrence of the delimiter ends a message; the message is what
 *   came before it, the delimiter is not part of it. Two delimiters in a row
 *   make an empty message.
 * - A delimiter may arrive split across reads: the unfinished bytes are kept
 *   and searched again with what follows.
 * - A message longer than maxLength is Overlong as soon as that is certain
 *   (more than maxLength + delimiter - 1 bytes with no delimiter).
 * - Relaying sends the message plus the delimiter, as line framing adds LF.
 */

#include <QByteArray>
#include <QByteArrayView>

#include <cstring>
#include <utility>

#include "core/framing.h"

class DelimiterFramer : public UnfinishedFrame
{
public:
    DelimiterFramer(QByteArray delimiter, qsizetype maxLength) : m_delimiter(std::move(delimiter)), m_maxLength(maxLength)
    {
        Q_ASSERT(!m_delimiter.isEmpty());
    }

    void setMaxLength(qsizetype maxLength) { m_maxLength = maxLength; }

    template <typename OnMessage>
    FrameStatus feed(QByteArrayView data, OnMessage &&onMessage)
    {
        if (!m_partial.isEmpty()) {
            // Search the joint too: the delimiter may have started in the kept bytes.
            const qsizetype from = std::max<qsizetype>(0, m_partial.size() - (m_delimiter.size() - 1));
            const qsizetype keptBefore = m_partial.size();
            const qsizetype window = std::min<qsizetype>(data.size(), m_maxLength + m_delimiter.size());
            m_partial.append(data.data(), window);
            const qsizetype at = m_partial.indexOf(m_delimiter, from);
            if (at < 0) {
                if (data.size() > window || m_partial.size() > m_maxLength + m_delimiter.size() - 1)
                    return overlong();
                return FrameStatus::Ok;
            }
            if (at > m_maxLength)
                return overlong();
            const qsizetype consumed = at + m_delimiter.size() - keptBefore;   // of data
            const QByteArray message = std::exchange(m_partial, QByteArray()).left(at);
            if (!onMessage(QByteArrayView(message)))
                return FrameStatus::Stopped;
            data = data.sliced(consumed);
        }
        while (!data.isEmpty()) {
            const qsizetype at = find(data);
            if (at < 0) {
                if (data.size() > m_maxLength + m_delimiter.size() - 1)
                    return overlong();
                m_partial = data.toByteArray();
                break;
            }
            if (at > m_maxLength)
                return overlong();
            if (!onMessage(data.first(at)))
                return FrameStatus::Stopped;
            data = data.sliced(at + m_delimiter.size());
        }
        return FrameStatus::Ok;
    }

private:
    qsizetype find(QByteArrayView data) const
    {
        if (m_delimiter.size() == 1) {
            const void *at = std::memchr(data.data(), m_delimiter[0], size_t(data.size()));
            return at ? static_cast<const char *>(at) - data.data() : -1;
        }
        return data.indexOf(m_delimiter);
    }
    FrameStatus overlong()
    {
        clear();
        return FrameStatus::Overlong;
    }

    QByteArray m_delimiter;
    qsizetype m_maxLength;
};
