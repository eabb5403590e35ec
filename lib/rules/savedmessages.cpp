// SPDX-License-Identifier: MIT
#include "rules/savedmessages.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace {

class Words
{
    Q_DECLARE_TR_FUNCTIONS(SavedMessages)
};

std::optional<int> wholeNumber(const QJsonValue &v, int minimum, int maximum)
{
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < minimum || d > maximum || d != double(qint64(d)))   // the range first: a cast of 1e30 is undefined
        return std::nullopt;
    return int(d);
}

} // namespace

namespace SavedMessages {

std::optional<QList<SavedMessage>> fromJson(const QByteArray &json, MessageTemplate::Syntax textSyntax, QString *error,
                                            Templates templates)
{
    const auto fail = [error](const QString &why) -> std::optional<QList<SavedMessage>> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (document.isNull())
        return fail(Words::tr("not JSON: %1 (at byte %2)").arg(parseError.errorString()).arg(parseError.offset));
    if (!document.isArray())
        return fail(Words::tr("a saved-messages file is a JSON array of messages"));
    QList<SavedMessage> messages;
    const QJsonArray array = document.array();
    for (int i = 0; i < array.size(); ++i) {
        const QJsonObject o = array.at(i).toObject();
        SavedMessage m;
        m.name = o.value(u"name"_s).toString();
        const QString who = m.name.isEmpty() ? Words::tr("message %1").arg(i + 1)
                                             : Words::tr("message “%1”").arg(m.name);
        if (!array.at(i).isObject())
            return fail(Words::tr("message %1: not a JSON object").arg(i + 1));
        for (auto it = o.begin(); it != o.end(); ++it) {
            static const QStringList known { u"name"_s, u"text"_s, u"hex"_s, u"repeat"_s, u"intervalMs"_s };
            if (!known.contains(it.key()))
                return fail(who + u": "_s + Words::tr("unknown key “%1”").arg(it.key()));
        }
        if (o.contains(u"text"_s) == o.contains(u"hex"_s))
            return fail(who + u": "_s + Words::tr("give exactly one of “text” and “hex”"));
        const QJsonValue body = o.contains(u"hex"_s) ? o.value(u"hex"_s) : o.value(u"text"_s);
        if (!body.isString() || (o.contains(u"name"_s) && !o.value(u"name"_s).isString()))
            return fail(who + u": "_s + Words::tr("“name”, “text” and “hex” must be text"));
        m.hex = o.contains(u"hex"_s);
        m.text = body.toString();
        if (o.contains(u"repeat"_s)) {
            const std::optional<int> repeat = wholeNumber(o.value(u"repeat"_s), 1, MaxRepeat);
            if (!repeat)
                return fail(who + u": "_s + Words::tr("“repeat” must be a whole number from 1 to %1").arg(MaxRepeat));
            m.repeat = *repeat;
        }
        if (o.contains(u"intervalMs"_s)) {
            const std::optional<int> interval = wholeNumber(o.value(u"intervalMs"_s), 0, MaxIntervalMs);
            if (!interval)
                return fail(who + u": "_s
                            + Words::tr("“intervalMs” must be a whole number from 0 to %1").arg(MaxIntervalMs));
            m.intervalMs = *interval;
        }
        QString why;
        if (templates == Templates::Checked && !MessageTemplate::parse(m.text, m.syntax(textSyntax), &why))
            return fail(who + u": "_s + why);
        if (m.name.isEmpty())
            m.name = Words::tr("message %1").arg(i + 1);
        messages.append(m);
    }
    return messages;
}

std::optional<QList<SavedMessage>> load(const QString &fileName, MessageTemplate::Syntax textSyntax, QString *error)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = fileName + u": "_s + file.errorString();
        return std::nullopt;
    }
    QString why;
    std::optional<QList<SavedMessage>> messages = fromJson(file.readAll(), textSyntax, &why);
    if (!messages && error)
        *error = fileName + u": "_s + why;
    return messages;
}

QByteArray toJson(const QList<SavedMessage> &messages)
{
    QJsonArray array;
    for (const SavedMessage &m : messages) {
        QJsonObject o;
        o.insert(u"name"_s, m.name);
        o.insert(m.hex ? u"hex"_s : u"text"_s, m.text);
        if (m.repeat != 1)
            o.insert(u"repeat"_s, m.repeat);
        if (m.intervalMs != SavedMessage().intervalMs)
            o.insert(u"intervalMs"_s, m.intervalMs);
        array.append(o);
    }
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}

} // namespace SavedMessages

MessageSequence::MessageSequence(const QList<SavedMessage> &messages, MessageTemplate::Syntax textSyntax, Send send,
                                 QObject *parent)
    : QObject(parent)
    , m_messages(messages)
    , m_send(std::move(send))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &MessageSequence::sendNext);
    for (const SavedMessage &m : messages) {
        // Checked where they were typed or loaded; one that does not parse sends nothing.
        m_templates.append(MessageTemplate::parse(m.text, m.syntax(textSyntax)).value_or(MessageTemplate()));
        m_total += m.repeat;
    }
}

void MessageSequence::start()
{
    m_index = 0;
    m_repeat = 0;
    m_sent = 0;
    m_running = true;
    sendNext();
}

void MessageSequence::stop()
{
    if (!m_running)
        return;
    m_timer.stop();
    m_running = false;
    emit finished(false);
}

void MessageSequence::sendNext()
{
    if (!m_running)
        return;
    if (m_index >= m_messages.size()) {
        m_running = false;
        emit finished(true);
        return;
    }
    if (!m_send(m_templates.at(m_index), quint64(m_repeat) + 1)) {
        m_running = false;
        emit finished(false);
        return;
    }
    ++m_sent;
    emit progress(m_sent, m_total);
    // The interval follows each send, before the next, whether a repeat or the next message.
    const int interval = m_messages.at(m_index).intervalMs;
    if (++m_repeat >= m_messages.at(m_index).repeat) {
        m_repeat = 0;
        ++m_index;
    }
    if (m_index >= m_messages.size()) {
        m_running = false;
        emit finished(true);
        return;
    }
    m_timer.start(interval);
}
