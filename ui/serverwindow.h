// SPDX-License-Identifier: MIT
#pragma once

#include <QFile>
#include <QHash>
#include <QMainWindow>
#include <QTimer>

#include "eventformat.h"
#include "headless.h"
#include "spreadserver.h"
#include "trafficgraph.h"

class ClientTableModel;
class LogModel;
class LogPanel;
class QAction;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QTableView;

/**
 * The server monitor: listen controls, the server's settings, the table of
 * connected clients, the chat-style log, a compose bar and a live graph,
 * all over one SpreadServer. It calls the server and nothing else.
 */
class ServerWindow : public QMainWindow
{
    Q_OBJECT

public:
    /** Reads the saved settings; what @p options set explicitly wins. Does not start listening. */
    explicit ServerWindow(const ServerOptions &options = ServerOptions(), QWidget *parent = nullptr);
    ~ServerWindow() override;

    SpreadServer *server() const { return m_server; }
    LogModel *logModel() const { return m_log; }
    LogPanel *logPanel() const { return m_logPanel; }
    ClientTableModel *clientModel() const { return m_clients; }
    TrafficGraph *graph() const { return m_graph; }

    /** Starts listening on the address and port of the controls; on failure the reason is shown. */
    bool start();
    /** Stops listening and closes every client. */
    void stop();

    QList<SpreadServer::ClientId> selectedClients() const;
    /** Sends the compose line to all clients or to the selected ones. */
    void sendComposed();
    /** Drops the selected clients with the reason typed beside the button. */
    void dropSelected();
    void saveSettings() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildUi();
    void buildMenus();
    void loadSettings(const ServerOptions &options);
    void applySettings();
    void connectServer();
    void updateListenState();
    void updateSelectionState();
    void showListenProblem(const QString &text);
    void showStatus(const QString &text);
    void sampleTraffic();
    void openClientWindow();
    void log(LogEvent event);
    void openLogFile(const QString &path);
    void fillBindChoices();
    static QString bindText(const QHostAddress &address);
    static std::optional<QHostAddress> parseBind(const QString &text);
    /** "10.0.0.0/8, ::1" as subnets; nothing if one of them is not a subnet. */
    static std::optional<QList<QPair<QHostAddress, int>>> parseSubnets(const QString &text);
    static QString subnetsText(const QList<QPair<QHostAddress, int>> &subnets);

    SpreadServer *m_server = nullptr;
    LogModel *m_log = nullptr;
    ClientTableModel *m_clients = nullptr;
    QSortFilterProxyModel *m_clientProxy = nullptr;
    QHash<SpreadServer::ClientId, QString> m_peers;   // shared strings for the log
    bool m_stopping = false;
    bool m_tls = false;
    // --log-file, --log-format, --quiet: the file the console server would write.
    QFile m_logFile;
    QTimer m_logFlush;
    LogFormat m_logFormat = LogFormat::Text;
    bool m_quiet = false;

    // listen bar
    QComboBox *m_bindCombo = nullptr;
    QSpinBox *m_portSpin = nullptr;
    QPushButton *m_startButton = nullptr;
    QLabel *m_listenLabel = nullptr;
    // clients
    QTableView *m_clientView = nullptr;
    QLineEdit *m_dropReasonEdit = nullptr;
    QPushButton *m_dropButton = nullptr;
    // settings
    QCheckBox *m_relayCheck = nullptr;
    QLineEdit *m_welcomeEdit = nullptr;
    QSpinBox *m_maxClientsSpin = nullptr;
    QSpinBox *m_maxMessageSpin = nullptr;
    QDoubleSpinBox *m_maxBacklogSpin = nullptr;
    QSpinBox *m_flushSpin = nullptr;
    QSpinBox *m_maxPerAddressSpin = nullptr;
    QLineEdit *m_allowEdit = nullptr;
    // log and compose
    LogPanel *m_logPanel = nullptr;
    QComboBox *m_targetCombo = nullptr;
    QLineEdit *m_composeEdit = nullptr;
    QCheckBox *m_composeHexCheck = nullptr;
    QPushButton *m_sendButton = nullptr;
    // graph and status bar
    TrafficGraph *m_graph = nullptr;
    QLabel *m_statusListen = nullptr;
    QLabel *m_statusClients = nullptr;
    QLabel *m_statusRates = nullptr;
    QAction *m_startAction = nullptr;
    QAction *m_dropAction = nullptr;

    QTimer m_sampleTimer;
    TrafficGraph::Sample m_tick;   // counted since the last sample
};
