// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArrayView>
#include <QString>

struct Framing;
class QLabel;
class QWidget;

/**
 * Texts and looks more than one widget shows, written once: how a byte
 * count, an age and a problem read in every window and table.
 */
namespace UiText {

/** "512 B", "1.5 KiB", "3.2 MiB", in the user's locale. */
QString byteText(qint64 bytes);

/** How long ago @p lastMs (ms since the epoch) was: "now", "12 s ago", "3 min ago", "2 h ago"; "never" when 0. */
QString ageText(qint64 lastMs);

/** The style sheet of a field or label that says something went wrong: the error colour. */
QString problemStyle();

/**
 * A label that says what is wrong under a field (a compose line, a template,
 * a rule): plain wrapped text in the problem colour, hidden until it has a text.
 */
QLabel *problemLabel(QWidget *parent, const QString &objectName);

/** Why the cluster controls are disabled in a build without libnats. */
QString noNatsText();

/** "Not sent: WHY": a compose line, template or framing refusing what was typed. */
QString notSentBecause(const QString &why);

/** Why a compose bar does not send @p message in @p framing, in the user's words; empty if it can be sent. */
QString notSentText(const Framing &framing, QByteArrayView message);

} // namespace UiText
