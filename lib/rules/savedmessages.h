// SPDX-License-Identifier: MIT
#pragma once

#include "core/messagetemplate.h"

#include <QCoreApplication>
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <optional>

/*
 * Saved messages: the few messages a user sends again and again, named.
 * A saved-messages file is a JSON array (the windows import and export it,
 * echo-client --send-file sends it):
 *
 *     [
 *       {"name": "poll", "hex": "01 03 00 00 00 0a {crc16-modbus}", "repeat": 3, "intervalMs": 500},
 *       {"name": "hello", "text": "hello #{counter} at {time}"}
 *     ]
 *
 * Each has a name, exactly one of "text" (a template) or "hex" (a template
 * whose literal parts are hex), and optionally "repeat" (1 .. 1000000,
 * default 1) and "intervalMs" (0 .. 3600000, default 1000): the wait after each
 * of its sends, before the next one (a repeat or the next message).
 */
struct SavedMessage {
    QString name;
    QString text;
    bool hex = false;
    int repeat = 1;
    int intervalMs = 1000;

    MessageTemplate::Syntax syntax(MessageTemplate::Syntax textSyntax = MessageTemplate::Syntax::Plain) const
    {
        return hex ? MessageTemplate::Syntax::Hex : textSyntax;
    }
    friend bool operator==(const SavedMessage &, const SavedMessage &) = default;
};

namespace SavedMessages {

inline constexpr int MaxRepeat = 1000000;
inline constexpr int MaxIntervalMs = 3600000;

/** Whether a message whose template cannot expand refuses the list (a file), or is kept as typed (the settings). */
enum class Templates { Checked, KeptAsTyped };

/** A saved-messages file's text; each message's template is checked. Errors name the message. */
std::optional<QList<SavedMessage>> fromJson(const QByteArray &json, MessageTemplate::Syntax textSyntax,
                                            QString *error = nullptr, Templates templates = Templates::Checked);
std::optional<QList<SavedMessage>> load(const QString &fileName, MessageTemplate::Syntax textSyntax,
                                        QString *error = nullptr);
QByteArray toJson(const QList<SavedMessage> &messages);

} // namespace SavedMessages

/**
 * Sends saved messages in order, each repeat times with its interval
 * between, through @p send (which returns false if the message could not
 * go: the sequence stops). {counter} counts the sends of each message.
 */
class MessageSequence : public QObject
{
    Q_OBJECT

public:
    using Send = std::function<bool(const MessageTemplate &, quint64 sequence)>;

    MessageSequence(const QList<SavedMessage> &messages, MessageTemplate::Syntax textSyntax, Send send,
                    QObject *parent = nullptr);

    void start();
    void stop();
    bool isRunning() const { return m_running; }
    /** Messages sent so far, of total(). */
    int sent() const { return m_sent; }
    int total() const { return m_total; }

signals:
    void progress(int sent, int total);
    /** All sent (@p ok), or stopped because one could not be (@p ok false). */
    void finished(bool ok);

private:
    void sendNext();

    QList<SavedMessage> m_messages;
    QList<MessageTemplate> m_templates;
    Send m_send;
    QTimer m_timer;
    int m_index = 0;
    int m_repeat = 0;
    int m_sent = 0;
    int m_total = 0;
    bool m_running = false;
};
