// SPDX-License-Identifier: MIT
#pragma once

#include "log/event.h"
#include "log/logformat.h"

#include <QFile>
#include <QObject>
#include <QTimer>

/**
 * A --log-file: appends each Log::Event it is given to a file, in text or
 * JSON Lines, written out at most Log::FlushDelayMs after a line (not once
 * per message: a busy server would pay a system call per message) and
 * completely when it is closed or destroyed. The console server and the
 * server window write their --log-file with it.
 */
class LogFileWriter : public QObject
{
    Q_OBJECT

public:
    explicit LogFileWriter(QObject *parent = nullptr);
    ~LogFileWriter() override;

    /** Opens @p path for appending; false, with errorString(), if it cannot. */
    bool open(const QString &path);
    bool isOpen() const { return m_file.isOpen(); }
    QString errorString() const { return m_file.errorString(); }
    QString fileName() const { return m_file.fileName(); }

    Log::Format format() const { return m_format; }
    void setFormat(Log::Format format) { m_format = format; }
    /** Whether messages are written, or only events (--quiet). */
    bool writesMessages() const { return m_messages; }
    void setWritesMessages(bool messages) { m_messages = messages; }

    void write(const Log::Event &event);
    /** Writes @p event as @p line, which is the event already in format(): formatted once for two sinks. */
    void write(const Log::Event &event, const QByteArray &line);
    void flush();

private:
    QFile m_file;
    QTimer m_flush;
    Log::Format m_format = Log::Format::Text;
    bool m_messages = true;
};
