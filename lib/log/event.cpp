// SPDX-License-Identifier: MIT
#include "log/event.h"

#include <QDateTime>

namespace Log {

bool ClusterState::isProblem() const
{
    return state == ClusterBridge::State::Reconnecting
            || (state == ClusterBridge::State::Off && !requested && !detail.isEmpty());
}

bool Event::isMessage() const
{
    return is<Received>() || is<Sent>() || is<FromServer>() || is<ToServer>();
}

bool Event::isProblem() const
{
    if (const auto *state = as<ClusterState>())
        return state->isProblem();
    if (const auto *capture = as<CaptureState>())
        return capture->isProblem();
    return is<Warning>() || is<Refused>() || is<Gap>() || is<Dropped>() || is<ClusterWarning>() || is<RemoteRefused>()
            || is<ConnectFailed>() || is<ConnectionLost>();
}

QByteArray Event::data() const
{
    if (const auto *e = as<Received>())
        return e->data;
    if (const auto *e = as<Sent>())
        return e->data;
    if (const auto *e = as<FromServer>())
        return e->data;
    if (const auto *e = as<ToServer>())
        return e->data;
    return {};
}

quint64 Event::localClient() const
{
    if (const auto *e = as<Received>())
        return e->from.isRemote() ? 0 : e->from.client;
    if (const auto *e = as<Connected>())
        return e->peer.client;
    if (const auto *e = as<Disconnected>())
        return e->peer.client;
    if (const auto *e = as<Sent>())
        return e->to;
    return 0;
}

Event now(What what)
{
    return { QDateTime::currentMSecsSinceEpoch(), std::move(what) };
}

} // namespace Log
