// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QString>

#include <optional>
#include <utility>

/**
 * How a byte stream is cut into messages: one choice per server and per
 * client connection (--framing SPEC, the windows' Framing setting). This is
 * the choice as data; the framers that apply it are in framer.h.
 *
 * SPEC, as typed (the grammar of parse()):
 *
 *   spec      = "line"
 *             / "delimiter:" hexbytes            ; 1 to 16 bytes: delimiter:0d0a, delimiter:7e
 *             / "fixed:" count                   ; every count bytes are one frame
 *             / "length:" size *( "," lenopt )   ; size = 1 / 2 / 4
 *             / "idle:" ms                       ; what arrived before a quiet time of ms
 *   lenopt    = "le" / "be" / "offset=" count / "adjust=" [ "-" / "+" ] count
 *   hexbytes  = 1*( 2HEXDIG ), spaces, colons and a leading 0x allowed between pairs
 *
 * For length:, the frame is offset bytes, then the size-byte field (big-
 * endian unless le), then field value + adjust more bytes. The message is the
 * whole frame, header included (Netty's LengthFieldBasedFrameDecoder with
 * lengthFieldOffset = offset, lengthAdjustment = adjust and no bytes
 * stripped). Modbus TCP is length:2,offset=4.
 */
struct Framing
{
    Q_DECLARE_TR_FUNCTIONS(Framing)

public:
    enum class Kind : quint8 { Line, Delimiter, Fixed, Length, Idle };

    Kind kind = Kind::Line;
    QByteArray delimiter;        ///< Delimiter: what ends a frame
    qsizetype fixedSize = 0;     ///< Fixed: bytes per frame
    int lengthSize = 2;          ///< Length: bytes of the length field, 1, 2 or 4
    bool littleEndian = false;   ///< Length: the field's byte order
    int lengthOffset = 0;        ///< Length: bytes before the field
    qint64 lengthAdjust = 0;     ///< Length: added to the field's value to get the bytes after it
    int idleMs = 0;              ///< Idle: quiet time that ends a frame; 0: every read is one

    static constexpr int MaxDelimiterBytes = 16;
    static constexpr int MaxLengthOffset = 65535;
    static constexpr qint64 MaxLengthAdjust = qint64(1) << 32;
    static constexpr int MaxIdleMs = 3600 * 1000;

    /** The framing @p spec describes, or nothing with the reason in @p error. */
    static std::optional<Framing> parse(QStringView spec, QString *error = nullptr);
    /** The canonical SPEC: parse(spec()) gives this framing back. */
    QString spec() const;
    /** One sentence that says what a frame is, with an example, for --help and the windows. */
    QString describe() const;

    /** Frames of bytes rather than text: shown in hex, no text welcome, no refusal line. */
    bool isBinary() const { return kind == Kind::Fixed || kind == Kind::Length; }
    /**
     * How long a sender must be quiet before its unfinished frame is a message:
     * @p lineFlushMs (--flush-ms) in line framing, idleMs in idle framing; -1 in
     * the others, whose frames wait for their rest.
     */
    int quietMs(int lineFlushMs) const { return kind == Kind::Line ? lineFlushMs : kind == Kind::Idle ? idleMs : -1; }
    /** What follows a message on the wire: LF in line framing, the delimiter, else nothing. */
    QByteArray suffix() const;
    /** Length framing: bytes from a frame's start to the end of its length field. */
    qsizetype headerSize() const { return qsizetype(lengthOffset) + lengthSize; }
    /** Length framing: the field's value in @p frame, which holds at least headerSize() bytes. */
    quint64 fieldValue(QByteArrayView frame) const { return readField(frame, lengthOffset, lengthSize, littleEndian); }
    /** The unsigned @p size-byte field at @p offset of @p frame: fieldValue() for a framer that keeps only these. */
    static quint64 readField(QByteArrayView frame, int offset, int size, bool littleEndian)
    {
        quint64 value = 0;
        for (int i = 0; i < size; ++i)
            value = (value << 8) | uchar(frame[offset + (littleEndian ? size - 1 - i : i)]);
        return value;
    }
    /**
     * Length framing: the size of the frame whose header starts @p frame, header
     * included, as its field says (below headerSize(): a bad length). The field
     * is below 2^32 and the adjustment at most 2^32 either way: no overflow.
     */
    qint64 announcedSize(QByteArrayView frame) const { return qint64(headerSize()) + qint64(fieldValue(frame)) + lengthAdjust; }
    /** Length framing: the field that says @p value (its low lengthSize bytes), in the field's byte order. */
    QByteArray lengthField(quint64 value) const;
    /** Length framing: the largest value the field can say. */
    quint64 fieldMaximum() const { return lengthSize >= 4 ? 0xffffffffULL : (quint64(1) << (8 * lengthSize)) - 1; }

    /**
     * Why a server or client with messages of at most @p maxMessageBytes cannot
     * use this framing (a fixed size or length header over the limit), or an
     * empty string.
     */
    QString checkLimit(qsizetype maxMessageBytes) const;

    /**
     * The message a sender composes from @p payload, as a receiver's framer will
     * yield it (the suffix() not included): the payload itself in line, delimiter
     * and idle framing; checked for its size in fixed framing; in length framing
     * with offset 0, the payload behind a length field made for it, and with an
     * offset, the payload checked to be one whole frame. Nothing, with the reason
     * in @p error, if the payload cannot be sent so.
     */
    std::optional<QByteArray> encode(QByteArrayView payload, QString *error = nullptr) const;

    /**
     * True if @p message is exactly one message of this framing, as a framer
     * would yield it: no line feed (line), no delimiter (delimiter), fixedSize
     * bytes (fixed), one whole frame (length), not empty (idle). What the
     * cluster checks of a message from another server.
     */
    bool carries(QByteArrayView message) const;

    friend bool operator==(const Framing &, const Framing &) = default;
};

/**
 * The bytes of an unfinished frame, kept between reads: what the delimiter,
 * fixed, length and idle framers share (LineFramer's drops a line's CR).
 */
class UnfinishedFrame
{
public:
    bool hasPartial() const { return !m_partial.isEmpty(); }
    qsizetype partialSize() const { return m_partial.size(); }
    /** The unfinished frame, forgotten. */
    QByteArray takePartial() { return std::exchange(m_partial, QByteArray()); }
    void clear() { m_partial = QByteArray(); }

protected:
    QByteArray m_partial;
};

/** What a framer says about the input it was fed. */
enum class FrameStatus {
    Ok,         ///< all input consumed
    Stopped,    ///< the callback returned false; the rest of the input was discarded
    Overlong,   ///< a message exceeded the maximum length; the framer was cleared
    BadLength,  ///< length framing: a field announced fewer bytes than its own header; cleared
};
