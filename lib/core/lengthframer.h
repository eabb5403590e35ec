// SPDX-License-Identifier: MIT
#pragma once

/*
 * Length-field framing (--framing length:SIZE[,le|be][,offset=N][,adjust=N])
 *
 *   stream   = *frame [ unfinished ]
 *   frame    = N OCTET  field  body
 *   field    = SIZE OCTET             ; an unsigned number, big-endian unless le
 *   body     = (field + adjust) OCTET
 *
 * - The message is the whole frame, header included, and is relayed
 *   unchanged, so receivers see the same framing (Netty's
 *   LengthFieldBasedFrameDecoder with initialBytesToStrip = 0).
 * - A frame longer than maxLength is Overlong as soon as its length field is
 *   complete: nothing of it is buffered.
 * - field + adjust below 0 is BadLength (the header cannot be its own
 *   continuation).
 * - Bytes of an unfinished frame are kept until the rest arrives; at the end
 *   of the stream they are not a message.
 */

#include <QByteArray>
#include <QByteArrayView>

#include <utility>

#include "core/framing.h"

class LengthFramer : public UnfinishedFrame
{
public:
    // Only the field's place and meaning are kept: the framer is built for every read.
    LengthFramer(const Framing &framing, qsizetype maxLength)
        : m_maxLength(maxLength)
        , m_adjust(framing.lengthAdjust)
        , m_offset(framing.lengthOffset)
        , m_size(quint8(framing.lengthSize))
        , m_littleEndian(framing.littleEndian)
    {
    }

    void setMaxLength(qsizetype maxLength) { m_maxLength = maxLength; }

    template <typename OnMessage>
    FrameStatus feed(QByteArrayView data, OnMessage &&onMessage)
    {
        if (!m_partial.isEmpty()) {
            // First the header, then (its length known) the rest of the frame.
            const qsizetype header = headerSize();
            if (m_partial.size() < header) {
                const qsizetype wanted = std::min(header - m_partial.size(), data.size());
                m_partial.append(data.data(), wanted);
                data = data.sliced(wanted);
                if (m_partial.size() < header)
                    return FrameStatus::Ok;
            }
            qint64 total = 0;
            if (const FrameStatus status = frameSize(m_partial, &total); status != FrameStatus::Ok)
                return fail(status);
            const qsizetype wanted = std::min(qsizetype(total) - m_partial.size(), data.size());
            m_partial.append(data.data(), wanted);
            data = data.sliced(wanted);
            if (m_partial.size() < total)
                return FrameStatus::Ok;
            const QByteArray message = std::exchange(m_partial, QByteArray());
            if (!onMessage(QByteArrayView(message)))
                return FrameStatus::Stopped;
        }
        while (!data.isEmpty()) {
            if (data.size() < headerSize())
                break;
            qint64 total = 0;
            if (const FrameStatus status = frameSize(data, &total); status != FrameStatus::Ok)
                return fail(status);
            if (data.size() < total)
                break;
            if (!onMessage(data.first(qsizetype(total))))
                return FrameStatus::Stopped;
            data = data.sliced(qsizetype(total));
        }
        if (!data.isEmpty())
            m_partial = data.toByteArray();
        return FrameStatus::Ok;
    }

private:
    qsizetype headerSize() const { return qsizetype(m_offset) + m_size; }

    /** The size of the frame that starts @p frame (which holds its header), or why there is none (as Framing::announcedSize()). */
    FrameStatus frameSize(QByteArrayView frame, qint64 *total) const
    {
        *total = qint64(headerSize()) + qint64(Framing::readField(frame, m_offset, m_size, m_littleEndian)) + m_adjust;
        if (*total < headerSize())
            return FrameStatus::BadLength;
        return *total > m_maxLength ? FrameStatus::Overlong : FrameStatus::Ok;
    }
    FrameStatus fail(FrameStatus status)
    {
        clear();
        return status;
    }

    qsizetype m_maxLength;
    qint64 m_adjust;
    int m_offset;
    quint8 m_size;
    bool m_littleEndian;
};
