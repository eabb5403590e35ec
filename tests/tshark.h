// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

/** Wireshark's reader, as the capture tests ask it (Debian's tshark). */
namespace Tshark {

inline bool available()
{
    return !QStandardPaths::findExecutable(QStringLiteral("tshark")).isEmpty();
}

/** What tshark prints for @p arguments; its exit code in @p exitCode (-1 if it crashed or did not end). */
inline QByteArray run(const QStringList &arguments, int *exitCode = nullptr)
{
    QProcess process;
    process.start(QStringLiteral("tshark"), arguments);
    const bool ended = process.waitForFinished(60000);
    if (exitCode)
        *exitCode = ended && process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    return process.readAllStandardOutput();
}

/** One TCP stream as `tshark -z follow,tcp,raw,N` prints it. */
struct Stream {
    QString client;               ///< node 0: the side that sent the SYN
    QString server;               ///< node 1
    QByteArray fromClient;        ///< every byte node 0 sent, in order
    QByteArray fromServer;
    QList<QByteArray> segments;   ///< each segment in order, "> " from the client, "< " to it
};

inline Stream follow(const QString &file, int stream)
{
    Stream s;
    const QByteArray out = run({ QStringLiteral("-r"), file, QStringLiteral("-q"), QStringLiteral("-z"),
                                 QStringLiteral("follow,tcp,raw,%1").arg(stream) });
    bool inData = false;
    for (const QByteArray &line : out.split('\n')) {
        if (line.startsWith("Node 0: ")) {
            s.client = QString::fromLatin1(line.mid(8));
        } else if (line.startsWith("Node 1: ")) {
            s.server = QString::fromLatin1(line.mid(8));
            inData = true;   // the lines after the two nodes are the data
        } else if (inData && line.startsWith("====")) {
            break;
        } else if (inData && !line.isEmpty()) {
            const bool toClient = line.startsWith('\t');   // the second node's lines are indented by a tab
            const QByteArray bytes = QByteArray::fromHex(line.trimmed());
            (toClient ? s.fromServer : s.fromClient) += bytes;
            s.segments.append((toClient ? QByteArray("< ") : QByteArray("> ")) + bytes);
        }
    }
    return s;
}

} // namespace Tshark
