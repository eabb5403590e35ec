// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstring>

#include "core/framing.h"
#include "core/settinglimits.h"

/**
 * Splits a byte stream into messages. Pure: no socket, no timer, no Qt event
 * loop. The wire grammar is described at the top of lineframer.cpp.
 *
 * feed() hands every complete message to a callback as a view that is valid
 * only during the call; the bytes of an unfinished line are kept until more
 * data, takePartial() (quiet sender, end of stream) or clear().
 */
class LineFramer
{
public:
    using Status = FrameStatus;   ///< Ok, Stopped or Overlong (a message exceeded maxLength(); cleared)

    explicit LineFramer(qsizetype maxLength = Limits::MaxMessageBytes.defaultValue) : m_maxLength(maxLength) { }

    qsizetype maxLength() const { return m_maxLength; }
    void setMaxLength(qsizetype maxLength) { m_maxLength = maxLength; }

    bool hasPartial() const { return !m_partial.isEmpty(); }
    qsizetype partialSize() const { return m_partial.size(); }

    /** Returns the unfinished line, without a trailing CR, and forgets it. */
    QByteArray takePartial();
    void clear() { m_partial = QByteArray(); }

    /**
     * Consumes @p data. @p onMessage is called as bool(QByteArrayView message)
     * for each complete message, in order; returning false stops framing.
     */
    template <typename OnMessage>
    Status feed(QByteArrayView data, OnMessage &&onMessage);

private:
    static QByteArrayView chopCr(QByteArrayView line)
    {
        return line.endsWith('\r') ? line.chopped(1) : line;
    }
    Status overlong()
    {
        clear();
        return Status::Overlong;
    }

    QByteArray m_partial;
    qsizetype m_maxLength;
};

template <typename OnMessage>
LineFramer::Status LineFramer::feed(QByteArrayView data, OnMessage &&onMessage)
{
    const char *begin = data.data();
    const char *const end = begin + data.size();

    if (!m_partial.isEmpty()) {
        const auto *nl = static_cast<const char *>(std::memchr(begin, '\n', size_t(end - begin)));
        if (!nl) {
            // A CR may only end a message, so it does not count toward the limit.
            if (m_partial.size() + (end - begin) > m_maxLength + 1)
                return overlong();
            m_partial.append(begin, end - begin);
            return Status::Ok;
        }
        m_partial.append(begin, nl - begin);
        const QByteArray line = std::exchange(m_partial, QByteArray());
        const QByteArrayView message = chopCr(line);
        if (message.size() > m_maxLength)
            return overlong();
        begin = nl + 1;
        if (!onMessage(message))
            return Status::Stopped;
    }

    while (begin < end) {
        const auto *nl = static_cast<const char *>(std::memchr(begin, '\n', size_t(end - begin)));
        if (!nl) {
            if (end - begin > m_maxLength + 1)
                return overlong();
            m_partial = QByteArray(begin, end - begin);
            break;
        }
        const QByteArrayView message = chopCr(QByteArrayView(begin, nl));
        if (message.size() > m_maxLength)
            return overlong();
        begin = nl + 1;
        if (!onMessage(message))
            return Status::Stopped;
    }
    return Status::Ok;
}
