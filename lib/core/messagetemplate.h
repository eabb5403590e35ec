// SPDX-License-Identifier: MIT
#pragma once

#include "core/checksums.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

/*
 * What a user types wherever something is sent (the periodic message, the
 * compose lines, saved messages, rule actions), and the bytes it becomes:
 *
 *     template  = *( literal / token )
 *     token     = "{" name [ ":" argument ] "}"     ; name: a lowercase letter, then [a-z0-9-]
 *     "{{"      = a literal "{"                     ; any other "{" (as in JSON: {"a":1}) is literal too
 *
 *     {counter}  {counter:START}   1, 2, 3 ... the n-th message sent from this template (from START)
 *     {time}                       now, ISO 8601 with milliseconds and the UTC offset
 *     {time:FORMAT}                now, in Qt's date-time format (QDateTime::toString)
 *     {random:MIN-MAX}             a whole number from MIN to MAX, both included
 *     {client}                     the receiver's id on the server; the sender's in a rule
 *     {hex:BYTES}                  raw bytes, as DisplayText::parseHex reads them
 *     {crc16-modbus} {crc16-ccitt} {crc32} {sum8} {xor8}
 *                                  the checksum of every byte before the token (core/checksums.h)
 *
 * In the Seed syntax (the client's messages) %1 is the program name and %2
 * the date and time as the seed wrote it. In the Rule syntax \0 is what the
 * regex matched and \1 .. \9 its groups. In the Hex syntax (a hex compose
 * line, a hex saved message) the literal parts are hex digits:
 * "01 03 00 00 00 0a {crc16-modbus}" is a Modbus RTU request.
 */
class MessageTemplate
{
    Q_DECLARE_TR_FUNCTIONS(MessageTemplate)

public:
    enum class Syntax { Plain, Seed, Rule, Hex };

    /** What a template is expanded with; each place that sends keeps its own sequence. */
    struct Context {
        quint64 sequence = 1;             ///< this is the n-th message sent from the template: {counter}
        std::optional<quint64> client;    ///< {client}; a template that uses it cannot be sent without one
        QString program;                  ///< %1 in the Seed syntax
        QDateTime now;                    ///< {time}; invalid: the current time
        const QList<QByteArray> *captures = nullptr;   ///< \0 .. \9 in the Rule syntax
    };

    MessageTemplate() = default;

    /** @p text compiled, or nothing and @p error says why ("unknown token {countr}"). */
    static std::optional<MessageTemplate> parse(const QString &text, Syntax syntax = Syntax::Plain,
                                                QString *error = nullptr);

    QString text() const { return m_text; }
    Syntax syntax() const { return m_syntax; }
    bool isEmpty() const { return m_parts.isEmpty(); }
    /** No token: every expansion gives the same bytes. */
    bool isConstant() const { return m_constant; }
    bool usesClient() const { return m_usesClient; }
    /** The highest \N used (Rule syntax); -1 if none. */
    int highestCapture() const { return m_highestCapture; }

    QByteArray expand(const Context &context) const;
    /** expand() with a default context: the first message, now, no client. */
    QByteArray expand() const { return expand(Context {}); }

    /** Why a template with {client} cannot be sent where there is no client id (the client's side). */
    static QString noClientHere();
    /** The seed's date and time, as %2 writes it. */
    static QString seedTime(const QDateTime &time);

private:
    struct Part {
        enum class Kind { Bytes, Counter, Time, TimeFormat, Random, Client, Checksum, Capture, Program, SeedTime };
        Kind kind = Kind::Bytes;
        QByteArray bytes;              // Bytes
        QString format;                // TimeFormat
        qint64 first = 0, last = 0;    // Counter (start), Random (range), Capture (index)
        Checksums::Kind checksum = Checksums::Kind::Crc16Modbus;
    };

    QString m_text;
    Syntax m_syntax = Syntax::Plain;
    QList<Part> m_parts;
    int m_highestCapture = -1;
    bool m_constant = true;
    bool m_usesClient = false;
};
