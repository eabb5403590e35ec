// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QSignalSpy>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "core/echoclient.h"
#include "core/spreadserver.h"

/**
 * Signal arguments by name. A QSignalSpy row is a list of QVariants read by
 * position (`spy.at(2).at(3)`: which one was the client count?). A TypedSpy
 * spies on the signal a row struct names and gives each emission back as
 * that struct:
 *
 *     TypedSpy<ServerSignal::ClientConnected> connected(&server);
 *     QCOMPARE(connected.args(2).clientCount, 3);
 *
 * The fields are filled in the signal's order, each with the signal's own
 * type; a struct whose fields do not match its signal (a wrong type, one
 * too many or too few) does not compile, so a signal that changes breaks
 * the build, not the meaning of a test.
 */
namespace SignalArgs {
template <typename Sender, typename... Args>
std::tuple<std::remove_cvref_t<Args>...> argumentsOf(void (Sender::*)(Args...));
template <typename Sender, typename... Args>
Sender *senderOf(void (Sender::*)(Args...));

template <typename Row>
using Arguments = decltype(argumentsOf(Row::signal));
template <typename Row>
using Sender = std::remove_pointer_t<decltype(senderOf(Row::signal))>;

/** Stands for any one more field, to tell a struct with too many fields from one that fits. */
struct AnyField
{
    template <typename T>
    operator T() const;
};

template <typename Row, typename Tuple>
struct TakesExactly;
template <typename Row, typename... Args>
struct TakesExactly<Row, std::tuple<Args...>>
    : std::bool_constant<requires { Row { std::declval<Args>()... }; }
                         && !requires { Row { std::declval<Args>()..., AnyField {} }; }> { };

template <typename Row, std::size_t... I>
Row fromVariants(const QList<QVariant> &values, std::index_sequence<I...>)
{
    return Row { values.at(I).template value<std::tuple_element_t<I, Arguments<Row>>>()... };
}
} // namespace SignalArgs

template <typename Row>
class TypedSpy
{
    using Arguments = SignalArgs::Arguments<Row>;
    static_assert(SignalArgs::TakesExactly<Row, Arguments>::value,
                  "the row's fields must be the signal's arguments, in order");

public:
    explicit TypedSpy(const SignalArgs::Sender<Row> *sender) : m_spy(sender, Row::signal) { }

    bool isValid() const { return m_spy.isValid(); }
    qsizetype count() const { return m_spy.count(); }
    qsizetype size() const { return m_spy.size(); }
    bool isEmpty() const { return m_spy.isEmpty(); }
    bool wait(int timeout = 5000) { return m_spy.wait(timeout); }
    void clear() { m_spy.clear(); }

    /** The arguments of emission @p i, by name. */
    Row args(qsizetype i) const
    {
        return SignalArgs::fromVariants<Row>(m_spy.at(i), std::make_index_sequence<std::tuple_size_v<Arguments>>());
    }
    Row firstArgs() const { return args(0); }
    Row lastArgs() const { return args(size() - 1); }
    QList<Row> allArgs() const
    {
        QList<Row> rows;
        rows.reserve(size());
        for (qsizetype i = 0; i < size(); ++i)
            rows.append(args(i));
        return rows;
    }

private:
    // Holds a QSignalSpy rather than being one: every spy has the same dynamic type then.
    // UBSan's vptr check needs a free descriptor the first time it meets a type, and
    // tst_hostile's first warning arrives when the process has none left.
    QSignalSpy m_spy;
};

/** SpreadServer's signals. */
namespace ServerSignal {
struct ClientConnected
{
    static constexpr auto signal = &SpreadServer::clientConnected;
    SpreadServer::ClientId id;
    QHostAddress address;
    quint16 port;
    int clientCount;
};
struct ClientRefused
{
    static constexpr auto signal = &SpreadServer::clientRefused;
    QHostAddress address;
    quint16 port;
    QString reason;
};
struct MessageReceived
{
    static constexpr auto signal = &SpreadServer::messageReceived;
    SpreadServer::ClientId id;
    QByteArray message;
    int relayedTo;
    QString tag;
};
struct MessageSent
{
    static constexpr auto signal = &SpreadServer::messageSent;
    SpreadServer::ClientId to;   // 0: to every client
    QByteArray message;
    int receivers;
    MessageCause cause;
};
struct ClientDisconnected
{
    static constexpr auto signal = &SpreadServer::clientDisconnected;
    SpreadServer::ClientId id;
    QString reason;
    int clientCount;
};
struct Warning
{
    static constexpr auto signal = &SpreadServer::warning;
    QString text;
};
/** What @p spy saw of one client: the reasons it was disconnected with, in order. */
inline QStringList reasonsFor(const TypedSpy<ClientDisconnected> &spy, SpreadServer::ClientId id)
{
    QStringList reasons;
    for (const ClientDisconnected &event : spy.allArgs()) {
        if (event.id == id)
            reasons.append(event.reason);
    }
    return reasons;
}

/** What @p spy saw of one client: its messages, in order. */
inline QList<QByteArray> messagesFrom(const TypedSpy<MessageReceived> &spy, SpreadServer::ClientId id)
{
    QList<QByteArray> messages;
    for (const MessageReceived &event : spy.allArgs()) {
        if (event.id == id)
            messages.append(event.message);
    }
    return messages;
}
} // namespace ServerSignal

/** EchoClient's signals. */
namespace ClientSignal {
struct StateChanged
{
    static constexpr auto signal = &EchoClient::stateChanged;
    EchoClient::State state;
};
struct ConnectionFailed
{
    static constexpr auto signal = &EchoClient::connectionFailed;
    QString reason;
};
struct ConnectionLost
{
    static constexpr auto signal = &EchoClient::connectionLost;
    QString reason;
};
struct MessageReceived
{
    static constexpr auto signal = &EchoClient::messageReceived;
    QByteArray message;
    QString tag;
};
struct MessageSent
{
    static constexpr auto signal = &EchoClient::messageSent;
    QByteArray message;
    bool periodic;
    MessageCause cause;
};
struct ReconnectScheduled
{
    static constexpr auto signal = &EchoClient::reconnectScheduled;
    int delayMs;
};
struct Warning
{
    static constexpr auto signal = &EchoClient::warning;
    QString text;
};
} // namespace ClientSignal
