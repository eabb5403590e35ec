// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QCoreApplication>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

/**
 * A rule's regular expression: PCRE2, the engine and the syntax of
 * QRegularExpression, compiled once (JIT when the machine has it) and
 * matched straight on a message's UTF-8 bytes. A message that is not
 * valid UTF-8 is matched as far as it is (PCRE2_MATCH_INVALID_UTF), so a
 * binary frame never fails a rule.
 *
 * Why not QRegularExpression: it matches UTF-16, so each message would be
 * converted first, and every match() allocates its match data and result
 * object; with ten rules on a paced ingest that was 1.4x the CPU of no
 * rules (issue 15's target is 1.3x). Here the match data is allocated once
 * per expression, and one match is one pcre2_match() call.
 *
 * Copies share the compiled expression and its match data: use it from
 * one thread (the event loop's), and keep no captures across matches.
 */
class Regex
{
    Q_DECLARE_TR_FUNCTIONS(Regex)

public:
    /** @p pattern compiled, or nothing and @p error says why and where. */
    static std::optional<Regex> compile(const QString &pattern, QString *error = nullptr);

    /** The number of capturing groups. */
    int captureCount() const;
    /** Whether @p subject matches; if @p captures, \0 .. \N of this match. */
    bool match(QByteArrayView subject, QList<QByteArray> *captures = nullptr) const;

private:
    struct Compiled;
    std::shared_ptr<Compiled> m_compiled;
};
