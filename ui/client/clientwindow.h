// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

#include "core/echoclient.h"
#include "console/options.h"
#include "log/clientlog.h"

class FramingEdit;
class LogModel;
class LogPanel;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;

/**
 * The client console: host, port and one Connect / Cancel / Disconnect
 * button over an EchoClient, its framing, the seed's status lines, the
 * chat-style log, a compose line and the periodic message. It calls the
 * client and nothing else.
 */
class ClientWindow : public QMainWindow
{
    Q_OBJECT

public:
    /** Reads the saved settings; what @p options set explicitly wins. Does not connect. */
    explicit ClientWindow(const ClientOptions &options = ClientOptions(), QWidget *parent = nullptr);
    ~ClientWindow() override;

    /** A new window that deletes itself when closed, shown. */
    static ClientWindow *openNew(const ClientOptions &options);

    EchoClient *client() const { return m_client; }
    LogModel *logModel() const { return m_log; }
    LogPanel *logPanel() const { return m_logPanel; }
    /** The last status line: "Connected...", "Lost connection. Reason: ...". */
    QString statusText() const;

    /** Connects to the host and port of the controls. */
    void connectToServer();
    /**
     * Sends the compose line, framed: with the chosen line ending in line
     * framing. A message the framing cannot carry (a fixed size it does not
     * have) is not sent; why is said under the compose line.
     */
    void sendComposed();
    /** The controls as options, every one marked as set. */
    ClientOptions currentOptions() const;
    void saveSettings() const;

signals:
    /** "New client window" opened @p window. */
    void clientWindowOpened(ClientWindow *window);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildUi();
    QLayout *buildConnectBar(QWidget *central);
    QLayout *buildFramingBar(QWidget *central);
    QWidget *buildStatusLine(QWidget *central);
    QWidget *buildLogBox(QWidget *central);
    QWidget *buildPeriodicBox(QWidget *central);
    void buildStatusBar();
    void buildMenus();
    void setTabOrders();
    void connectControls();
    void loadSettings(const ClientOptions &options);
    /** The client's state and the message counters. */
    void connectClient();
    /**
     * The log path: the client's signals as log lines and status lines
     * ("Start to Connect...", "Lost connection. Reason: ..."), all here.
     */
    void connectClientLog();
    /** "host:port" of the server the client is for. */
    QString serverText() const;
    void onButtonClicked();
    void updateState();
    void setStatus(const QString &line, bool problem);
    void showStatus(const QString &text);
    void updateCounters();
    void openNewWindow();
    /** @p framing to the client and the log; the line ending matters only in line framing. */
    void applyFraming(const Framing &framing);
    /** Says why the compose line was not sent, under it; empty hides it. */
    void showComposeProblem(const QString &text);

    EchoClient *m_client = nullptr;
    ClientLog *m_clientLog = nullptr;
    LogModel *m_log = nullptr;
    QSslConfiguration m_tlsConfiguration;   // from the command line, for new windows too
    int m_periodicLimit = 0;   // --count: stop the periodic message after this many
    quint64 m_received = 0;
    quint64 m_sent = 0;

    QLineEdit *m_hostEdit = nullptr;
    QSpinBox *m_portSpin = nullptr;
    QPushButton *m_connectButton = nullptr;
    QCheckBox *m_reconnectCheck = nullptr;
    QCheckBox *m_tlsCheck = nullptr;
    FramingEdit *m_framingEdit = nullptr;
    QLabel *m_statusLabel = nullptr;
    LogPanel *m_logPanel = nullptr;
    QLineEdit *m_composeEdit = nullptr;
    QCheckBox *m_composeHexCheck = nullptr;
    QComboBox *m_lineEndingCombo = nullptr;
    QPushButton *m_sendButton = nullptr;
    QLabel *m_composeProblemLabel = nullptr;
    QCheckBox *m_periodicCheck = nullptr;
    QDoubleSpinBox *m_intervalSpin = nullptr;
    QLineEdit *m_templateEdit = nullptr;
    QLabel *m_sentLabel = nullptr;
    QLabel *m_statusState = nullptr;
    QLabel *m_statusCounters = nullptr;
};
