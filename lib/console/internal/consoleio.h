// SPDX-License-Identifier: MIT
#pragma once

#include "core/messagetemplate.h"
#include "rules/rulerunner.h"

#include "core/framing.h"

#include <optional>

#include <QCommandLineParser>
#include <QString>

#include <optional>

// Helpers shared by the two headless programs; not part of lib's API.
namespace Headless {

/** The console log (stdout, --log-file) is written at most this long after a line. */
constexpr int LOG_FLUSH_MS = 20;

/**
 * Before the first line: stdout, when it is not a terminal, gets a buffer of
 * LOG_BUFFER_BYTES instead of stdio's 4 KiB, so that a busy server writes its
 * log in a system call per LOG_FLUSH_MS or per 64 KiB, not per 45 lines (and
 * wakes its reader as seldom). A terminal keeps its line buffering.
 */
void useLogBuffer();
constexpr qsizetype LOG_BUFFER_BYTES = 64 * 1024;

void printLine(const QString &line);
/** Writes @p line, which ends with its line feed, as it is. */
void printBytes(QByteArrayView line);
void printError(const QString &program, const QString &message);
/**
 * What a line typed on stdin sends: a MessageTemplate in @p textSyntax, or
 * in the binary framings (fixed, length) in the Hex syntax (the bytes it
 * spells in hexadecimal, tokens allowed). Nothing if it cannot expand; the
 * error is printed.
 */
/** /rules: each rule, what it matches, and its hits. */
void printRules(const RuleRunner &runner);

std::optional<MessageTemplate> typedTemplate(const QByteArray &line, const Framing &framing,
                                             MessageTemplate::Syntax textSyntax, const QString &program);

/** Parses; handles --help, --version and errors. A value means: exit with it. */
std::optional<int> finishParse(QCommandLineParser &parser, const QStringList &arguments, const QString &program,
                               QStringList *explicitlySet);

/** Reads option @p name into @p value if given; false (after an error line) if out of range. */
bool intValue(const QCommandLineParser &parser, const QString &name, qint64 min, qint64 max, qint64 *value,
              const QString &program);

} // namespace Headless
