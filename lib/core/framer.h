// SPDX-License-Identifier: MIT
#pragma once

#include <variant>

#include "core/delimiterframer.h"
#include "core/fixedframer.h"
#include "core/framing.h"
#include "core/idleframer.h"
#include "core/lengthframer.h"
#include "core/lineframer.h"

/**
 * One framer of whichever kind a Framing says, behind one interface: what
 * the session engine, the client and the fuzz targets hold. Each kind is a
 * pure class (no socket, no timer) with its grammar at the top of its file.
 *
 * feed() hands every complete message to a callback as bool(QByteArrayView),
 * valid only during the call; returning false stops framing. The bytes of an
 * unfinished frame are kept until more data, takePartial() or clear().
 */
class Framer
{
public:
    explicit Framer(const Framing &framing = {}, qsizetype maxLength = Limits::MaxMessageBytes.defaultValue)
        : m_impl(make(framing, maxLength))
    {
    }

    template <typename OnMessage>
    FrameStatus feed(QByteArrayView data, OnMessage &&onMessage)
    {
        return std::visit([&](auto &framer) { return framer.feed(data, onMessage); }, m_impl);
    }

    bool hasPartial() const { return std::visit([](const auto &framer) { return framer.hasPartial(); }, m_impl); }
    qsizetype partialSize() const { return std::visit([](const auto &framer) { return framer.partialSize(); }, m_impl); }
    /** The unfinished frame (a line without its CR), forgotten. */
    QByteArray takePartial() { return std::visit([](auto &framer) { return framer.takePartial(); }, m_impl); }
    void clear() { std::visit([](auto &framer) { framer.clear(); }, m_impl); }
    void setMaxLength(qsizetype maxLength) { std::visit([=](auto &framer) { framer.setMaxLength(maxLength); }, m_impl); }

    /** The unfinished frame is a message at the end of the stream (text and idle framings; never a cut binary frame). */
    static bool endsAtClose(const Framing &framing) { return !framing.isBinary(); }

private:
    using Impl = std::variant<LineFramer, DelimiterFramer, FixedFramer, LengthFramer, IdleFramer>;

    static Impl make(const Framing &framing, qsizetype maxLength)
    {
        switch (framing.kind) {
        case Framing::Kind::Line:
            break;
        case Framing::Kind::Delimiter:
            return DelimiterFramer(framing.delimiter, maxLength);
        case Framing::Kind::Fixed:
            return FixedFramer(std::max<qsizetype>(1, framing.fixedSize));   // parse() never gives 0; a hand-made one must not hang
        case Framing::Kind::Length:
            return LengthFramer(framing, maxLength);
        case Framing::Kind::Idle:
            return IdleFramer(maxLength);
        }
        return LineFramer(maxLength);
    }

    Impl m_impl;
};
