// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>

#include <functional>
#include <optional>

#include "capture/capturereader.h"
#include "capture/replayer.h"
#include "core/echoclient.h"
#include "console/options.h"
#include "log/clientlog.h"

class FramingEdit;
class RuleRunner;
class RulesPanel;
class SavedMessagesPanel;
class QDockWidget;
class LogModel;
class LogPanel;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLayout;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;

/**
 * File → "Replay a file...": a capture (pcapng, pcap) or a JSON Lines log
 * read back (CaptureReader), one recorded client or all chosen, and a
 * Replayer sending what they sent to a server on connections of its own, at
 * a speed, with a progress bar of messages sent and the result. A file that
 * cannot be read says why, and nothing can be started from it.
 */
class ReplayPanel : public QWidget
{
    Q_OBJECT

public:
    /** Where a replay goes: asked for when it starts. */
    struct Target {
        QString host;
        quint16 port = 0;
        Replayer::Connection connection;
    };

    explicit ReplayPanel(QWidget *parent = nullptr);
    ~ReplayPanel() override;

    void setTarget(std::function<Target()> target) { m_target = std::move(target); }

    /** Reads @p fileName and lists its clients; false, and the reader's reason shown, if it cannot be read. */
    bool openFile(const QString &fileName);
    /** The file dialog (pcapng, pcap, JSON Lines), in the folder last used; then openFile(). */
    void chooseFile();
    void setSpeed(double speed);
    /**
     * Starts the replay of the file open: @p clients if given (ids of it), else the choice of the
     * client list; false, and why shown, if there is nothing to replay.
     */
    bool start(const std::optional<QList<quint64>> &clients = std::nullopt);
    void stop();
    bool isRunning() const { return m_replayer->isRunning(); }

    QString fileName() const { return m_fileName; }
    /** The last result or problem, as shown under the progress bar. */
    QString resultText() const;
    Replayer *replayer() const { return m_replayer; }
    QProgressBar *progressBar() const { return m_progress; }

signals:
    /** A line for the window's status bar: started, done, failed. */
    void statusMessagePosted(const QString &text);

private:
    void onFinished(bool ok, const QString &reason);
    void showResult(const QString &text, bool problem);
    void updateState();

    Replayer *m_replayer = nullptr;
    std::function<Target()> m_target;
    std::optional<Recording> m_recording;
    QString m_fileName;
    QString m_lastTarget;   // "host:port" of the replay running or last run
    QLineEdit *m_fileEdit = nullptr;
    QPushButton *m_browseButton = nullptr;
    QComboBox *m_clientCombo = nullptr;
    QDoubleSpinBox *m_speedSpin = nullptr;
    QPushButton *m_startButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_resultLabel = nullptr;
};

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
    /** Runs the Rules dock's rules on the client: the window answering its server, as a device would. */
    RuleRunner *ruleRunner() const { return m_ruleRunner; }
    RulesPanel *rulesPanel() const { return m_rulesPanel; }
    /** The Saved messages dock: it sends to the server. */
    SavedMessagesPanel *savedMessagesPanel() const { return m_savedPanel; }
    /** File → Replay a file...: its panel, in a dock hidden until asked for. */
    ReplayPanel *replayPanel() const { return m_replayPanel; }
    /** The last status line: "Connected...", "Lost connection. Reason: ...". */
    QString statusText() const;

    /** Connects to the host and port of the controls. */
    void connectToServer();
    /**
     * Sends the compose line, a template in the seed's syntax (or hex) whose
     * {counter} counts this line's messages, framed: with the chosen line ending in line
     * framing. A message the framing cannot carry (a fixed size it does not
     * have) is not sent; why is said under the compose line.
     */
    void sendComposed();
    /** The controls as options, every one marked as set. */
    ClientOptions currentOptions() const;
    void saveSettings() const;
    /**
     * Shows the replay dock and replays @p fileName at @p speed to the host and port of the
     * controls (and their TLS): @p clients, or all when empty. False, and why shown, if it cannot start.
     */
    bool startReplay(const QString &fileName, double speed, const QList<quint64> &clients = {});

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
    /** The Rules panel in a dock of its own, beside the log: it never takes room from the compose line. */
    void buildRulesDock();
    /** The Saved messages panel in a dock of its own, like the rules. */
    void buildSavedDock();
    /** The replay panel in a dock under the log, hidden until File → Replay a file.... */
    void buildReplayDock();
    /** Shows the replay dock in front. */
    void showReplayDock();
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
    /** The compose line as a template (Seed, or Hex with the box ticked); nothing and @p why if it cannot be sent. */
    std::optional<MessageTemplate> composedTemplate(QString *why) const;
    /** Why @p message cannot go to the server as the framing and the line ending stand; empty if it can. */
    QString whyNotSent(const QByteArray &message) const;
    /** Sends a saved message, its @p sequence-th; false, and why in the status bar, if it cannot. */
    bool sendSaved(const MessageTemplate &message, quint64 sequence);

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
    quint64 m_composeSequence = 0;   // the compose line's {counter}: messages sent from it
    QLabel *m_templateProblemLabel = nullptr;   // why the periodic template cannot be sent
    SavedMessagesPanel *m_savedPanel = nullptr;
    QDockWidget *m_savedDock = nullptr;
    QCheckBox *m_periodicCheck = nullptr;
    QDoubleSpinBox *m_intervalSpin = nullptr;
    QLineEdit *m_templateEdit = nullptr;
    QLabel *m_sentLabel = nullptr;
    QLabel *m_statusState = nullptr;
    QLabel *m_statusCounters = nullptr;
    RuleRunner *m_ruleRunner = nullptr;
    RulesPanel *m_rulesPanel = nullptr;
    QDockWidget *m_rulesDock = nullptr;
    ReplayPanel *m_replayPanel = nullptr;
    QDockWidget *m_replayDock = nullptr;
};
