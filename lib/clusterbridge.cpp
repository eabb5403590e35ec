// SPDX-License-Identifier: MIT
#include "clusterbridge.h"

#include "spreadserver.h"

#include <QRegularExpression>
#include <QThread>

using namespace Qt::Literals::StringLiterals;

// First cut: the interface compiles and links; the NATS side follows.
struct ClusterBridge::Shared {
    Settings settings;
    QString error;
};

class ClusterBridge::Worker : public QObject
{
};

bool ClusterBridge::isAvailable()
{
#ifdef SPREAD_HAVE_NATS
    return true;
#else
    return false;
#endif
}

bool ClusterBridge::isValidDomain(const QString &domain)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_-]+$"_s);
    return pattern.match(domain).hasMatch();
}

ClusterBridge::ClusterBridge(SpreadServer *server, QObject *parent)
    : QObject(parent)
    , m_server(server)
    , m_shared(std::make_shared<Shared>())
{
}

ClusterBridge::~ClusterBridge() = default;

bool ClusterBridge::start(const Settings &settings)
{
    m_shared->settings = settings;
    m_shared->error = isAvailable() ? tr("the NATS bridge is not implemented yet")
                                    : tr("this build has no NATS support (libnats was not found when it was built)");
    return false;
}

void ClusterBridge::stop()
{
}

ClusterBridge::Settings ClusterBridge::settings() const
{
    return m_shared->settings;
}

QString ClusterBridge::serverId() const
{
    return m_shared->settings.serverId;
}

ClusterBridge::State ClusterBridge::state() const
{
    return State::Off;
}

ClusterBridge::Stats ClusterBridge::stats() const
{
    return {};
}

QList<ClusterBridge::Peer> ClusterBridge::peers() const
{
    return {};
}

QString ClusterBridge::errorString() const
{
    return m_shared->error;
}
