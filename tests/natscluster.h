// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <vector>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

/*
 * Real nats-server processes for tst_cluster, on 127.0.0.1 with ports the
 * servers pick themselves (-p -1, read back from --ports_file_dir): one node,
 * or a cluster joined by routes. Everything is waited for by polling what the
 * servers report, never for a fixed time. Killed when destroyed.
 */
namespace NatsTest {

using namespace Qt::Literals::StringLiterals;

/** nats-server's path, or empty when it is not installed (Debian puts it in /usr/sbin). */
inline QString natsServerBin()
{
    QString path = QStandardPaths::findExecutable(u"nats-server"_s);
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(u"nats-server"_s, { u"/usr/sbin"_s, u"/usr/local/sbin"_s, u"/usr/local/bin"_s });
    return path;
}

class Node
{
public:
    Node() = default;
    ~Node() { kill(); }
    Node(const Node &) = delete;
    Node &operator=(const Node &) = delete;

    /** Starts a node; with @p clusterName, it listens for routes and joins @p routes. Waits for its ports. */
    bool start(const QString &clusterName = {}, const QStringList &routes = {}, int port = -1)
    {
        if (!m_dir.isValid())
            return false;
        m_log.clear();
        m_url.clear();
        QStringList arguments { u"-a"_s, u"127.0.0.1"_s, u"-p"_s, QString::number(port), u"-m"_s, u"-1"_s,
                                u"--ports_file_dir"_s, m_dir.path() };
        if (!clusterName.isEmpty()) {
            arguments << u"--cluster"_s << u"nats://127.0.0.1:-1"_s << u"--cluster_name"_s << clusterName;
            if (!routes.isEmpty())
                arguments << u"--routes"_s << routes.join(u',');
        }
        return launch(arguments);
    }

    /**
     * Starts a node from the configuration text @p config (TLS, authorization, a cluster block
     * with routes...), written to this node's directory. Its client and monitoring ports are
     * still picked by the server (they override the file's), and waited for.
     */
    bool startWithConfig(const QString &config)
    {
        if (!m_dir.isValid())
            return false;
        QFile file(m_dir.filePath(u"nats.conf"_s));
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(config.toUtf8()) < 0)
            return false;
        file.close();
        m_log.clear();
        m_url.clear();
        return launch({ u"-c"_s, file.fileName(), u"-a"_s, u"127.0.0.1"_s, u"-p"_s, u"-1"_s, u"-m"_s, u"-1"_s,
                        u"--ports_file_dir"_s, m_dir.path() });
    }

    /** This node's directory: for the files a configuration names. */
    QString filePath(const QString &name) const { return m_dir.filePath(name); }

private:
    bool launch(const QStringList &arguments)
    {
        m_process.setProgram(natsServerBin());
        m_process.setArguments(arguments);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        if (!m_connected) {
            QObject::connect(&m_process, &QProcess::readyRead, &m_process, [this] { m_log += m_process.readAll(); });
            m_connected = true;
        }
        m_process.start();
        if (!m_process.waitForStarted(5000))
            return false;
        const QString portsFile = m_dir.filePath(u"nats-server_%1.ports"_s.arg(m_process.processId()));
        if (!QTest::qWaitFor([&] { return readPorts(portsFile) || m_process.state() == QProcess::NotRunning; }, 10000))
            return false;
        return !m_url.isEmpty();
    }

public:
    /** SIGKILL, as a crash or a pulled cable would do; waits for the end. */
    void kill()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    /** Starts again, on the same client port, after kill(). */
    bool restart() { return start({}, {}, QUrl(m_url).port()); }

    QString url() const { return m_url; }
    QString clusterUrl() const { return m_clusterUrl; }
    QByteArray log() const { return m_log; }

    /** The number of routes this node has now (GET /routez on its monitoring port), or -1. */
    int routeCount()
    {
        QTcpSocket socket;
        socket.connectToHost(u"127.0.0.1"_s, m_monitorPort);
        if (!socket.waitForConnected(2000))
            return -1;
        socket.write("GET /routez HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        QByteArray reply;
        while (socket.waitForReadyRead(2000))
            reply += socket.readAll();
        reply += socket.readAll();
        const qsizetype body = reply.indexOf("\r\n\r\n");
        if (body < 0)
            return -1;
        const QJsonObject routez = QJsonDocument::fromJson(reply.mid(body + 4)).object();
        return routez.contains(u"num_routes"_s) ? routez.value(u"num_routes"_s).toInt() : -1;
    }

private:
    bool readPorts(const QString &path)
    {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return false;
        const QJsonObject ports = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray client = ports.value(u"nats"_s).toArray();
        const QJsonArray monitoring = ports.value(u"monitoring"_s).toArray();
        if (client.isEmpty() || monitoring.isEmpty())
            return false;   // written in part: read again
        m_url = client.first().toString();
        m_clusterUrl = ports.value(u"cluster"_s).toArray().first().toString();
        m_monitorPort = quint16(QUrl(monitoring.first().toString()).port());
        return true;
    }

    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_log;
    QString m_url;
    QString m_clusterUrl;
    quint16 m_monitorPort = 0;
    bool m_connected = false;
};

/** @p count nodes joined by routes (each to all earlier ones), waited for until every node sees all others. */
class Cluster
{
public:
    bool start(int count)
    {
        for (int i = 0; i < count; ++i) {
            QStringList routes;
            for (const auto &node : m_nodes)
                routes.append(node->clusterUrl());
            m_nodes.push_back(std::make_unique<Node>());
            if (!m_nodes.back()->start(u"spread-test"_s, routes))
                return false;
        }
        return QTest::qWaitFor([&] {
            for (const auto &node : m_nodes) {
                if (node->routeCount() != count - 1)
                    return false;
            }
            return true;
        }, 15000);
    }
    Node &node(int i) { return *m_nodes.at(size_t(i)); }
    int size() const { return int(m_nodes.size()); }
    /** Every node's URL, node @p first first, then the others in order. */
    QStringList urls(int first = 0) const
    {
        QStringList list { m_nodes.at(size_t(first))->url() };
        for (size_t i = 0; i < m_nodes.size(); ++i) {
            if (int(i) != first)
                list.append(m_nodes[i]->url());
        }
        return list;
    }
    QString describe() const
    {
        QString text;
        for (size_t i = 0; i < m_nodes.size(); ++i)
            text += u"--- nats node %1 (%2) ---\n%3\n"_s.arg(i).arg(m_nodes[i]->url(), QString::fromUtf8(m_nodes[i]->log()));
        return text;
    }

private:
    std::vector<std::unique_ptr<Node>> m_nodes;
};

} // namespace NatsTest
