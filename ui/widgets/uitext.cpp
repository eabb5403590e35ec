// SPDX-License-Identifier: MIT
#include "uitext.h"

#include <QLabel>

#include "core/framing.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace UiText {

QString byteText(qint64 bytes)
{
    if (bytes < 1024)
        return QLocale().toString(bytes) + u" B"_s;
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString ageText(qint64 lastMs)
{
    if (lastMs <= 0)
        return QCoreApplication::translate("UiText", "never");
    const qint64 seconds = qMax<qint64>(0, (QDateTime::currentMSecsSinceEpoch() - lastMs) / 1000);
    if (seconds < 1)
        return QCoreApplication::translate("UiText", "now");
    if (seconds < 60)
        return QCoreApplication::translate("UiText", "%1 s ago").arg(seconds);
    if (seconds < 3600)
        return QCoreApplication::translate("UiText", "%1 min ago").arg(seconds / 60);
    return QCoreApplication::translate("UiText", "%1 h ago").arg(seconds / 3600);
}

QString problemStyle()
{
    return u"color: #b3261e;"_s;
}

QLabel *problemLabel(QWidget *parent, const QString &objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setStyleSheet(problemStyle());
    label->setVisible(false);
    return label;
}

QString noNatsText()
{
    return QCoreApplication::translate("UiText", "This build has no NATS support: libnats was not found when it was built");
}

QString notSentText(const Framing &framing, QByteArrayView message)
{
    QString error;
    if (framing.encode(message, &error))
        return {};
    // The fixed size in our own words; the other reasons are lib's (English).
    if (framing.kind == Framing::Kind::Fixed)
        return QCoreApplication::translate("UiText", "Not sent: a frame is %1 bytes, this message is %2")
                .arg(framing.fixedSize)
                .arg(message.size());
    return notSentBecause(error);
}

QString notSentBecause(const QString &why)
{
    return QCoreApplication::translate("UiText", "Not sent: %1").arg(why);
}

} // namespace UiText
