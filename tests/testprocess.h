// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <memory>
#include <vector>

#include <QByteArray>
#include <QByteArrayList>
#include <QHash>
#include <QHostAddress>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStringList>
#include <QTcpSocket>
#include <QTest>

/*
 * End-to-end helpers for tst_cli and tst_interop: programs and raw sockets
 * whose output is collected as it arrives. The event loop runs while
 * QTRY_* and QTest::qWaitFor wait, so a test waits on what a program
 * printed or a socket received, never for a fixed time.
 */
namespace EndToEnd {

// The programs under test; their paths come from tests/CMakeLists.txt.
inline QString serverBin()
{
    return QStringLiteral(SPREAD_SERVER_BIN);
}

inline QString clientBin()
{
    return QStringLiteral(ECHO_CLIENT_BIN);
}

/** The seed's welcome line for the @p n-th client, without its line feed, written out as an oracle. */
inline QByteArray welcome(int n)
{
    return QStringLiteral("欢迎来到Spread Site, 你是第%1个客户端用户!").arg(n).toUtf8();
}

using namespace Qt::Literals::StringLiterals;

/** Splits @p bytes into its complete lines (without "\n" or "\r\n"); a trailing partial line is left out. */
inline QByteArrayList completeLines(const QByteArray &bytes)
{
    QByteArrayList lines = bytes.split('\n');
    lines.removeLast();   // after the last '\n': empty, or a partial line
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    return lines;
}

/** A program under test. Its output is collected as it comes; it is killed when destroyed. */
class TestProcess
{
public:
    /** Starts @p program; @p environment is set on top of this process's own (an empty value unsets). */
    TestProcess(const QString &program, const QStringList &arguments, const QString &workingDirectory = {},
                const QHash<QString, QString> &environment = {})
    {
        m_process.setProgram(program);
        m_process.setArguments(arguments);
        if (!workingDirectory.isEmpty())
            m_process.setWorkingDirectory(workingDirectory);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);   // no display needed, even without --headless
        env.insert(u"PYTHONUNBUFFERED"_s, u"1"_s);
        env.insert(u"PYTHONIOENCODING"_s, u"utf-8"_s);
        for (auto it = environment.cbegin(); it != environment.cend(); ++it) {
            if (it.value().isEmpty())
                env.remove(it.key());
            else
                env.insert(it.key(), it.value());
        }
        m_process.setProcessEnvironment(env);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                         [this] { m_out += m_process.readAllStandardOutput(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                         [this] { m_err += m_process.readAllStandardError(); });
        m_process.start();
    }
    ~TestProcess() { stop(); }
    TestProcess(const TestProcess &) = delete;
    TestProcess &operator=(const TestProcess &) = delete;

    QProcess &process() { return m_process; }
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    /** Started and ended by itself (or by a signal the test sent). */
    bool hasFinished() const { return m_process.state() == QProcess::NotRunning; }
    int exitCode() const { return m_process.exitCode(); }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }

    QByteArray out() const { return m_out; }
    QByteArray err() const { return m_err; }
    QStringList lines() const { return decode(completeLines(m_out)); }
    QStringList errLines() const { return decode(completeLines(m_err)); }

    bool hasLine(const QString &line) const { return lines().contains(line); }
    /** The first line from line @p from on matching @p pattern, or no match. */
    QRegularExpressionMatch match(const QRegularExpression &pattern, qsizetype from = 0) const
    {
        const QStringList all = lines();
        for (qsizetype i = qMax(from, qsizetype(0)); i < all.size(); ++i) {
            auto m = pattern.match(all.at(i));
            if (m.hasMatch())
                return m;
        }
        return {};
    }
    /** The index of the first line matching @p pattern, or -1. */
    qsizetype indexOf(const QRegularExpression &pattern) const
    {
        const QStringList all = lines();
        const auto it = std::find_if(all.cbegin(), all.cend(), [&](const QString &l) { return pattern.match(l).hasMatch(); });
        return it == all.cend() ? -1 : qsizetype(it - all.cbegin());
    }
    bool hasMatch(const QRegularExpression &pattern) const { return match(pattern).hasMatch(); }
    qsizetype count(const QRegularExpression &pattern) const
    {
        const QStringList all = lines();
        return std::count_if(all.cbegin(), all.cend(), [&](const QString &l) { return pattern.match(l).hasMatch(); });
    }

    void write(const QByteArray &bytes) { m_process.write(bytes); }
    void closeInput() { m_process.closeWriteChannel(); }
    void terminate() { m_process.terminate(); }

    /** Kills the program if it still runs and waits for its end. */
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        if (!QTest::qWaitFor([this] { return m_process.state() == QProcess::NotRunning; }, 5000))
            qWarning("%s did not end after SIGKILL", qUtf8Printable(m_process.program()));
    }

    /** Everything about the run, for a failure message. */
    QString describe() const
    {
        return u"$ %1 %2\n  state %3, exit code %4\n  --- stdout ---\n%5\n  --- stderr ---\n%6"_s
                .arg(m_process.program(), m_process.arguments().join(u' '))
                .arg(int(m_process.state()))
                .arg(m_process.exitCode())
                .arg(QString::fromUtf8(m_out), QString::fromUtf8(m_err));
    }

private:
    static QStringList decode(const QByteArrayList &lines)
    {
        QStringList result;
        result.reserve(lines.size());
        for (const QByteArray &line : lines)
            result.append(QString::fromUtf8(line));
        return result;
    }

    QProcess m_process;
    QByteArray m_out;
    QByteArray m_err;
};

/** A raw TCP peer: a client socket the test opens, or a connection a test QTcpServer accepted. */
class RawPeer
{
public:
    /** Connects to 127.0.0.1:@p port. */
    explicit RawPeer(quint16 port) : RawPeer(new QTcpSocket) { m_socket->connectToHost(QHostAddress::LocalHost, port); }
    /** Adopts an accepted @p socket. */
    explicit RawPeer(QTcpSocket *socket) : m_socket(socket)
    {
        m_socket->setParent(nullptr);
        QObject::connect(m_socket.get(), &QTcpSocket::readyRead, m_socket.get(), [this] { m_in += m_socket->readAll(); });
        QObject::connect(m_socket.get(), &QTcpSocket::connected, m_socket.get(), [this] { m_localPort = m_socket->localPort(); });
        QObject::connect(m_socket.get(), &QTcpSocket::disconnected, m_socket.get(), [this] { m_disconnected = true; });
        if (m_socket->state() == QAbstractSocket::ConnectedState) {   // accepted: it may hold data already
            m_localPort = m_socket->localPort();
            m_in += m_socket->readAll();
        }
    }
    ~RawPeer()
    {
        m_socket->disconnect();
        m_socket->abort();
    }
    RawPeer(const RawPeer &) = delete;
    RawPeer &operator=(const RawPeer &) = delete;

    QTcpSocket *socket() const { return m_socket.get(); }
    bool isConnected() const { return m_socket->state() == QAbstractSocket::ConnectedState; }
    /** The other side closed the connection (or it failed). */
    bool wasDisconnected() const { return m_disconnected; }
    /** The local port while connected, and after. */
    quint16 localPort() const { return m_localPort; }

    QByteArray received() const { return m_in; }
    QByteArrayList lines() const { return completeLines(m_in); }
    bool hasLine(const QByteArray &line) const { return lines().contains(line); }
    void send(const QByteArray &bytes) { m_socket->write(bytes); }

private:
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_in;
    quint16 m_localPort = 0;
    bool m_disconnected = false;
};

/**
 * Owns what one test function starts. cleanup() prints the programs' output
 * if the test failed, then kills every program and closes every socket.
 */
class TestRig
{
public:
    TestProcess *start(const QString &program, const QStringList &arguments, const QString &workingDirectory = {},
                       const QHash<QString, QString> &environment = {})
    {
        m_processes.push_back(std::make_unique<TestProcess>(program, arguments, workingDirectory, environment));
        return m_processes.back().get();
    }
    RawPeer *connectPeer(quint16 port)
    {
        m_peers.push_back(std::make_unique<RawPeer>(port));
        return m_peers.back().get();
    }
    RawPeer *adopt(QTcpSocket *socket)
    {
        m_peers.push_back(std::make_unique<RawPeer>(socket));
        return m_peers.back().get();
    }

    void cleanup()
    {
        if (QTest::currentTestFailed()) {
            for (const auto &process : m_processes)
                qWarning("%s", qUtf8Printable(process->describe()));
        }
        m_peers.clear();
        for (const auto &process : m_processes)
            process->stop();
        m_processes.clear();
    }

private:
    std::vector<std::unique_ptr<TestProcess>> m_processes;
    std::vector<std::unique_ptr<RawPeer>> m_peers;
};

} // namespace EndToEnd
