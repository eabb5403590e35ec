// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include <QFile>
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include "cluster/clusterbridge.h"
#include "log/logfilewriter.h"
#include "log/serverlog.h"
#include "console/options.h"
#include "core/spreadserver.h"
#include "widgets/trafficgraph.h"

class Capture;
class ClientFilterProxy;
class ClientTableModel;
class ClusterPanel;
class ClusterPeerModel;
class ClusterPeersPanel;
class RuleRunner;
class RulesPanel;
class SavedMessagesPanel;
class LogModel;
class LogPanel;
class ServerSettingsPanel;
class QAction;
class QCheckBox;
class QComboBox;
class QFileDialog;
class QLabel;
class QLayout;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTabWidget;
class QTableView;

/**
 * The server monitor: listen controls, the server's settings, the table of
 * connected clients, the chat-style log, a compose bar and a live graph,
 * all over one SpreadServer; and, when it joins a NATS cluster, the
 * bridge's state and the servers of the domain, over one ClusterBridge.
 * It calls the server and the bridge and nothing else.
 *
 * The server's settings tab is ServerSettingsPanel: it tells the window
 * every change by a signal, and the window applies it to the server. The
 * cluster's two tabs are ClusterPanel and ClusterPeersPanel: they ask
 * to join or leave by signals, and the window, which owns the bridge, tells
 * them how it goes. Its log is a ServerLog's: the window only shows the
 * events (LogModel) and writes them to --log-file, as the console does.
 *
 * Capture (F7, or --capture at launch) writes every client's traffic to a
 * pcapng or pcap file through a Capture the window owns, set as the
 * server's TrafficTap while it runs; a new one for each file.
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
    ClusterPeerModel *clusterModel() const;
    /** Runs the Rules tab's rules on the server. */
    RuleRunner *ruleRunner() const { return m_ruleRunner; }
    RulesPanel *rulesPanel() const { return m_rulesPanel; }
    /** The Saved messages tab: it sends as the compose bar does, to all or to the selected clients. */
    SavedMessagesPanel *savedMessagesPanel() const { return m_savedPanel; }
    /** The bridge, once the window has joined a cluster; null before. */
    ClusterBridge *clusterBridge() const { return m_bridge; }

    /** Starts listening on the address and port of the controls; on failure the reason is shown. */
    bool start();
    /** Stops listening and closes every client. */
    void stop();

    /**
     * Captures the traffic of the clients that connect from now on to @p file (pcap
     * if it ends in .pcap, else pcapng); false, and the reason shown, if it cannot be
     * written. A running capture is stopped first.
     */
    bool startCapture(const QString &file);
    /** Stops the capture and logs how much it wrote; the file is whole. */
    void stopCapture();
    /** The running capture, or the last one (stopped); null before the first. */
    Capture *capture() const { return m_capture.get(); }
    bool isCapturing() const;

    /** Joins the cluster of the cluster controls; on failure the reason is shown. The bridge connects in the background. */
    bool joinCluster();
    /** Leaves the cluster; local clients stay connected. */
    void leaveCluster();
    /**
     * Whether to join at launch: NATS servers are set and either come from
     * the command line (--nats) or the window was in the cluster when it
     * was last closed.
     */
    bool joinsClusterAtLaunch() const { return m_joinAtLaunch; }

    /** The selected clients the table shows (a selected one the filter hides is kept, not acted on). */
    QList<SpreadServer::ClientId> selectedClients() const;
    /** Selects exactly the clients the filter shows. */
    void selectAllShown();
    /** Sends the compose line to all clients or to the selected ones. */
    void sendComposed();
    /** Drops the selected clients with the reason typed beside the button. */
    void dropSelected();
    void saveSettings() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    // The window's parts, built once.
    void buildUi();
    QLayout *buildListenBar(QWidget *central);
    QWidget *buildClientsPage(QWidget *central);
    /** The settings tabs (returned) and the people tabs, with the server's and the cluster's panels in them. */
    QTabWidget *buildTabs(QWidget *central, QWidget *clientsPage);
    QWidget *buildGraphBox(QWidget *central);
    QWidget *buildLogBox(QWidget *central);
    void buildStatusBar();
    void buildMenus();
    void setTabOrders();
    void connectControls();
    void connectClusterPanels();

    // Settings: controls, settings file, server.
    void loadSettings(const ServerOptions &options);
    /** The settings panel's settings to the server; a change of relay is said in the status bar. */
    void applySettings(const SpreadServer::Settings &settings);
    void fillBindChoices();
    static QString bindText(const QHostAddress &address);
    static std::optional<QHostAddress> parseBind(const QString &text);

    // The log path: the server's and the bridge's signals as log lines, in
    // the window and in --log-file.
    void openLogFile(const QString &path);
    /** Every line of the log: to the --log-file, to the view, and a problem to the status bar. */
    void onLogged(const Log::Event &event);
    void connectServer();
    void connectBridge();
    void onClusterStateChanged(ClusterBridge::State state, const QString &detail);

    // Listening, clients, compose.
    void updateListenState();
    void updateSelectionState();
    /** The filter field's text applied, the hidden selection kept. */
    void applyClientFilter(const QString &text);
    void restoreSelection();
    void updateShownCount();
    void showListenProblem(const QString &text);
    /** The compose line as a template (Plain, or Hex with the box ticked); nothing and @p why if it cannot expand. */
    std::optional<MessageTemplate> composedTemplate(QString *why) const;
    /** Says under the compose line, as it is typed, why it cannot be sent; empty hides it. */
    void showComposeProblem(const QString &text);
    /**
     * Sends @p message, its @p sequence-th, where the compose bar's target says (all, or the
     * selected clients); false, and why in the status bar, if it reached no one.
     */
    bool sendToTarget(const MessageTemplate &message, quint64 sequence);
    void showStatus(const QString &text);
    void sampleTraffic();
    void openClientWindow();

    // Capture: the file dialog, the capture as the server's tap, its state shown.
    void openCaptureDialog();
    /** The capture stopped by itself (@p reason: the size limit, a full disk); the server goes on. */
    void onCaptureFailed(const QString &reason);
    void updateCaptureState();

    // Cluster: the bridge, and its state shown in the panels and the status bar.
    /** Starts the bridge with @p settings (already checked); on failure the reason is shown. */
    bool startBridge(const ClusterBridge::Settings &settings);
    void updateClusterState();
    void updateClusterStats();
    void updateClusterPeers();

    SpreadServer *m_server = nullptr;
    LogModel *m_log = nullptr;
    ClientTableModel *m_clients = nullptr;
    ClientFilterProxy *m_clientProxy = nullptr;
    QLineEdit *m_clientFilterEdit = nullptr;
    QLabel *m_shownLabel = nullptr;
    QPushButton *m_selectShownButton = nullptr;
    QSet<SpreadServer::ClientId> m_selectedIds;   // shown or hidden by the filter
    bool m_restoringSelection = false;
    bool m_stopping = false;
    bool m_tls = false;
    ServerLog *m_serverLog = nullptr;
    LogFileWriter m_logFile;   // --log-file: what the console server would write

    // listen bar
    QComboBox *m_bindCombo = nullptr;
    QSpinBox *m_portSpin = nullptr;
    QPushButton *m_startButton = nullptr;
    QPushButton *m_captureButton = nullptr;
    QLabel *m_listenLabel = nullptr;
    // clients
    QTableView *m_clientView = nullptr;
    QLineEdit *m_dropReasonEdit = nullptr;
    QPushButton *m_dropButton = nullptr;
    // settings
    ServerSettingsPanel *m_settingsPanel = nullptr;   // the Server settings tab
    // log and compose
    LogPanel *m_logPanel = nullptr;
    QComboBox *m_targetCombo = nullptr;
    QLineEdit *m_composeEdit = nullptr;
    QCheckBox *m_composeHexCheck = nullptr;
    QPushButton *m_sendButton = nullptr;
    QLabel *m_composeProblemLabel = nullptr;
    quint64 m_composeSequence = 0;   // the compose line's {counter}: messages sent from it
    SavedMessagesPanel *m_savedPanel = nullptr;   // the Saved messages tab
    // graph and status bar
    TrafficGraph *m_graph = nullptr;
    QLabel *m_statusListen = nullptr;
    QLabel *m_statusClients = nullptr;
    QLabel *m_statusRates = nullptr;
    QLabel *m_statusCluster = nullptr;
    QLabel *m_statusCapture = nullptr;
    QSplitter *m_mainSplitter = nullptr;    // left column | right column
    QSplitter *m_rightSplitter = nullptr;   // people tabs above the log
    // cluster
    ClusterBridge *m_bridge = nullptr;
    ClusterBridge::State m_clusterState = ClusterBridge::State::Off;
    bool m_joinAtLaunch = false;
    QTabWidget *m_peopleTabs = nullptr;
    ClusterPanel *m_clusterPanel = nullptr;        // the Cluster settings tab
    // rules
    RuleRunner *m_ruleRunner = nullptr;
    RulesPanel *m_rulesPanel = nullptr;            // the Rules settings tab
    ClusterPeersPanel *m_clusterPeers = nullptr;   // the Cluster servers tab
    QAction *m_joinAction = nullptr;
    QAction *m_startAction = nullptr;
    QAction *m_dropAction = nullptr;
    QAction *m_captureAction = nullptr;
    // capture: not a child, so that the destructor stops it and takes it from the server before either goes
    std::unique_ptr<Capture> m_capture;
    QPointer<QFileDialog> m_captureDialog;
    QString m_launchCaptureFile;   // --capture: started on the first successful listen
    qint64 m_captureMaxBytes = Limits::CaptureMaxBytes.defaultValue;

    QTimer m_sampleTimer;
    TrafficGraph::Sample m_tick;   // counted since the last sample
};
