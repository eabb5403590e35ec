// SPDX-License-Identifier: MIT
#include "log/logfilewriter.h"

LogFileWriter::LogFileWriter(QObject *parent)
    : QObject(parent)
{
    m_flush.setSingleShot(true);
    m_flush.setTimerType(Qt::PreciseTimer);
    m_flush.setInterval(Log::FlushDelayMs);
    connect(&m_flush, &QTimer::timeout, this, &LogFileWriter::flush);
}

LogFileWriter::~LogFileWriter()
{
    flush();
}

bool LogFileWriter::open(const QString &path)
{
    m_file.close();
    m_file.setFileName(path);
    return m_file.open(QIODevice::WriteOnly | QIODevice::Append);
}

void LogFileWriter::write(const Log::Event &event)
{
    if (m_file.isOpen())
        write(event, Log::line(event, m_format));
}

void LogFileWriter::write(const Log::Event &event, const QByteArray &line)
{
    if (!m_file.isOpen() || (!m_messages && event.isMessage()))
        return;
    m_file.write(line);
    if (!m_flush.isActive())
        m_flush.start();
}

void LogFileWriter::flush()
{
    m_flush.stop();
    if (m_file.isOpen())   // flush() on a file never opened warns on stderr
        m_file.flush();
}
