<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Capture</name>
    <message>
        <source>%1 reached its size limit of %2 bytes (--capture-max-bytes)</source>
        <translation>%1 已达到大小上限 %2 字节(--capture-max-bytes)</translation>
    </message>
</context>
<context>
    <name>ClientTableModel</name>
    <message>
        <source>Client #%1 at %2
connected %3
last activity %4
%5 bytes waiting to be sent</source>
        <translation>客户端 #%1,地址 %2
连接于 %3
最近活动 %4
%5 字节等待发送</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>The client&apos;s number, in the order they connected</source>
        <translation>客户端编号,按连接先后排列</translation>
    </message>
    <message>
        <source>The client&apos;s address and port</source>
        <translation>客户端的地址和端口</translation>
    </message>
    <message>
        <source>When the client connected</source>
        <translation>客户端连接的时间</translation>
    </message>
    <message>
        <source>Messages received from the client</source>
        <translation>从该客户端收到的消息数</translation>
    </message>
    <message>
        <source>Bytes received from the client</source>
        <translation>从该客户端收到的字节数</translation>
    </message>
    <message>
        <source>Messages sent to the client (relayed, welcome and typed)</source>
        <translation>发给该客户端的消息数(转发、欢迎语和手动发送)</translation>
    </message>
    <message>
        <source>Bytes sent to the client</source>
        <translation>发给该客户端的字节数</translation>
    </message>
    <message>
        <source>Time since the client last sent or received</source>
        <translation>距该客户端上次收发数据的时间</translation>
    </message>
    <message>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>连接于</translation>
    </message>
    <message>
        <source>Msgs in</source>
        <translation>收消息</translation>
    </message>
    <message>
        <source>Bytes in</source>
        <translation>收字节</translation>
    </message>
    <message>
        <source>Msgs out</source>
        <translation>发消息</translation>
    </message>
    <message>
        <source>Bytes out</source>
        <translation>发字节</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>最近活动</translation>
    </message>
    <message>
        <source>Msgs/s</source>
        <translation>消息/秒</translation>
    </message>
    <message>
        <source>Last message</source>
        <translation>最后一条消息</translation>
    </message>
    <message>
        <source>Messages per second received from the client, over the last 10 seconds</source>
        <translation>最近 10 秒内每秒从该客户端收到的消息数</translation>
    </message>
    <message>
        <source>The last message the client sent</source>
        <translation>该客户端发送的最后一条消息</translation>
    </message>
</context>
<context>
    <name>ClientWindow</name>
    <message>
        <source>The server&apos;s host name or address</source>
        <translation>服务器的主机名或地址</translation>
    </message>
    <message>
        <source>host or address</source>
        <translation>主机名或地址</translation>
    </message>
    <message>
        <source>The server&apos;s TCP port</source>
        <translation>服务器的 TCP 端口</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Connect; while connecting, cancel; once connected, disconnect (F5)</source>
        <translation>连接;连接中点击取消;已连接时点击断开 (F5)</translation>
    </message>
    <message>
        <source>Auto-&amp;reconnect</source>
        <translation>自动重连(&amp;R)</translation>
    </message>
    <message>
        <source>After a failure or a lost connection, try again: 1 s, doubling up to 30 s</source>
        <translation>连接失败或断开后自动重试:先等 1 秒,每次加倍,最多 30 秒</translation>
    </message>
    <message>
        <source>&amp;Host:</source>
        <translation>主机(&amp;H):</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P):</translation>
    </message>
    <message>
        <source>What happened to the connection last</source>
        <translation>连接的最新状态</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Message; Enter sends</source>
        <translation>输入消息,按回车发送</translation>
    </message>
    <message>
        <source>A line to send to the server, with the line ending chosen beside it. Enter sends.</source>
        <translation>发给服务器的一行内容,行尾符在右侧选择。按回车发送。</translation>
    </message>
    <message>
        <source>He&amp;x</source>
        <translation>十六进制(&amp;X)</translation>
    </message>
    <message>
        <source>Read the line as hexadecimal bytes, e.g. 48 65 6c 6c 6f</source>
        <translation>按十六进制字节解析输入,例如 48 65 6c 6c 6f</translation>
    </message>
    <message>
        <source>LF (\n)</source>
        <translation>LF (\n)</translation>
    </message>
    <message>
        <source>CRLF (\r\n)</source>
        <translation>CRLF (\r\n)</translation>
    </message>
    <message>
        <source>No ending</source>
        <translation>无行尾</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>发送(&amp;S)</translation>
    </message>
    <message>
        <source>Send the line (Enter)</source>
        <translation>发送这一行(回车)</translation>
    </message>
    <message>
        <source>Periodic message</source>
        <translation>定时消息</translation>
    </message>
    <message>
        <source>Send &amp;every</source>
        <translation>定时发送,间隔(&amp;E)</translation>
    </message>
    <message>
        <source>Send the template every interval while connected, as the seed&apos;s client does</source>
        <translation>连接期间按间隔发送模板消息,与原版客户端相同</translation>
    </message>
    <message>
        <source>Seconds between periodic messages</source>
        <translation>两条定时消息之间的秒数</translation>
    </message>
    <message>
        <source>The periodic message: %1 is the program name, %2 the date and time</source>
        <translation>定时消息模板:%1 为程序名,%2 为日期时间</translation>
    </message>
    <message>
        <source>Periodic messages sent since the box was ticked</source>
        <translation>勾选以来已发送的定时消息数</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>模板(&amp;T):</translation>
    </message>
    <message>
        <source>Connection state</source>
        <translation>连接状态</translation>
    </message>
    <message>
        <source>Messages received from and sent to the server by this window</source>
        <translation>本窗口从服务器收到及向服务器发出的消息数</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New client window</source>
        <translation>新建客户端窗口(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Close window</source>
        <translation>关闭窗口(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Connection</source>
        <translation>连接(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Connect / Disconnect</source>
        <translation>连接/断开(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>About SpreadSite</source>
        <translation>关于 SpreadSite</translation>
    </message>
    <message>
        <source>&lt;h3&gt;SpreadSite client %1&lt;/h3&gt;&lt;p&gt;A chat client for a SpreadSite server: it prints what it receives, sends what you type and, every interval, a message made from a template.&lt;/p&gt;&lt;p&gt;The same client runs in a console with &lt;tt&gt;--headless&lt;/tt&gt;.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SpreadSite 客户端 %1&lt;/h3&gt;&lt;p&gt;SpreadSite 服务器的聊天客户端:显示收到的内容,发送你输入的内容,并按间隔发送由模板生成的消息。&lt;/p&gt;&lt;p&gt;加上 &lt;tt&gt;--headless&lt;/tt&gt; 即可在控制台中运行同一个客户端。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Type the server&apos;s host name or address first</source>
        <translation>请先输入服务器的主机名或地址</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>断开</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>已连接到 %1</translation>
    </message>
    <message>
        <source>Closing…</source>
        <translation>正在关闭…</translation>
    </message>
    <message>
        <source>Waiting to reconnect to %1</source>
        <translation>等待重新连接 %1</translation>
    </message>
    <message>
        <source>SpreadSite client</source>
        <translation>SpreadSite 客户端</translation>
    </message>
    <message>
        <source>SpreadSite client — %1</source>
        <translation>SpreadSite 客户端 — %1</translation>
    </message>
    <message>
        <source>Sent: %1</source>
        <translation>已发送:%1</translation>
    </message>
    <message>
        <source>%1 received, %2 sent</source>
        <translation>收到 %1 条,发出 %2 条</translation>
    </message>
    <message>
        <source>Not connected: connect first</source>
        <translation>未连接:请先连接</translation>
    </message>
    <message>
        <source>Nothing to send: type a message first</source>
        <translation>没有可发送的内容:请先输入消息</translation>
    </message>
    <message>
        <source>&amp;TLS</source>
        <translation>&amp;TLS</translation>
    </message>
    <message>
        <source>Connect with TLS and verify the server&apos;s certificate (the system&apos;s CAs, or --tls-ca)</source>
        <translation>使用 TLS 连接并验证服务器证书(使用系统 CA,或 --tls-ca 指定的 CA)</translation>
    </message>
    <message>
        <source>Framin&amp;g:</source>
        <translation>分帧(&amp;G):</translation>
    </message>
    <message>
        <source>What ends each message sent, typed or periodic, in line framing</source>
        <translation>按行分帧时,每条发出的消息(手动或定时)末尾加上的行尾符</translation>
    </message>
    <message>
        <source>Saved messages</source>
        <translation>已保存消息</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>No periodic message: %1</source>
        <translation>不会发送定时消息:%1</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Rules</source>
        <translation>规则(&amp;R)</translation>
    </message>
    <message>
        <source>Show or hide the rules: what the client answers on its own</source>
        <translation>显示或隐藏规则:客户端自动应答的内容</translation>
    </message>
    <message>
        <source>&amp;Saved messages</source>
        <translation>已保存消息(&amp;S)</translation>
    </message>
    <message>
        <source>Show or hide the saved messages: named messages sent with a click or Ctrl+1 … Ctrl+9</source>
        <translation>显示或隐藏已保存消息:带名称的消息,单击或按 Ctrl+1 … Ctrl+9 即可发送</translation>
    </message>
    <message>
        <source>Send sa&amp;ved message</source>
        <translation>发送已保存消息(&amp;V)</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <source>&amp;Replay a file...</source>
        <translation>回放文件(&amp;R)...</translation>
    </message>
    <message>
        <source>Send what the clients of a capture or a log sent, to the server of the controls, on connections of its own</source>
        <translation>把抓包或日志中各客户端发送过的内容,用单独的连接发给上方所填的服务器</translation>
    </message>
</context>
<context>
    <name>ClusterBridge</name>
    <message>
        <source>this build has no NATS support (libnats was not found when it was built)</source>
        <translation>此版本不支持 NATS（构建时未找到 libnats）</translation>
    </message>
    <message>
        <source>the bridge is already started</source>
        <translation>桥接已经启动</translation>
    </message>
    <message>
        <source>not a NATS URL: &apos;%1&apos; (nats://host:port)</source>
        <translation>不是 NATS 地址：“%1”（nats://主机:端口）</translation>
    </message>
    <message>
        <source>no NATS URL given</source>
        <translation>未给出 NATS 地址</translation>
    </message>
    <message>
        <source>bad domain name &apos;%1&apos;: letters, digits, &apos;_&apos; and &apos;-&apos; only</source>
        <translation>域名“%1”无效：只能使用字母、数字、“_”和“-”</translation>
    </message>
    <message>
        <source>bad server id &apos;%1&apos;: letters, digits, &apos;_&apos; and &apos;-&apos; only</source>
        <translation>服务器标识“%1”无效：只能使用字母、数字、“_”和“-”</translation>
    </message>
    <message>
        <source>the presence interval must be at least 10 ms</source>
        <translation>在线消息间隔至少为 10 毫秒</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>left</source>
        <translation>已离开</translation>
    </message>
    <message>
        <source>silent for %1 ms</source>
        <translation>已 %1 毫秒无消息</translation>
    </message>
    <message>
        <source>the reconnect buffer must be from %1 to %2 bytes</source>
        <translation>重连缓冲区必须在 %1 到 %2 字节之间</translation>
    </message>
    <message>
        <source>a NATS client certificate needs its key, and a key its certificate</source>
        <translation>NATS 客户端证书需要其私钥，私钥也需要其证书</translation>
    </message>
    <message>
        <source>cannot read %1</source>
        <translation>无法读取 %1</translation>
    </message>
    <message>
        <source>a .creds file and an NKey seed exclude each other</source>
        <translation>.creds 文件与 NKey 种子不能同时使用</translation>
    </message>
    <message>
        <source>cannot read the NATS password from %1: %2</source>
        <translation>无法从 %1 读取 NATS 密码：%2</translation>
    </message>
    <message>
        <source>cannot read the NATS token from %1: %2</source>
        <translation>无法从 %1 读取 NATS 令牌：%2</translation>
    </message>
    <message>
        <source>%1 has no NKey public key (a line starting with U, as nk -gen user -pubout writes)</source>
        <translation>%1 中没有 NKey 公钥（以 U 开头的一行，如 nk -gen user -pubout 所写）</translation>
    </message>
    <message>
        <source>a NATS password needs a user name</source>
        <translation>NATS 密码需要用户名</translation>
    </message>
</context>
<context>
    <name>ClusterBridge::Worker</name>
    <message>
        <source>NATS: %1</source>
        <translation>NATS：%1</translation>
    </message>
    <message>
        <source>connection closed</source>
        <translation>连接已关闭</translation>
    </message>
    <message>
        <source>no node reachable yet</source>
        <translation>尚无可连接的节点</translation>
    </message>
    <message>
        <source>lost %1</source>
        <translation>与 %1 断开</translation>
    </message>
    <message>
        <source>cannot set up the NATS connection</source>
        <translation>无法建立 NATS 连接</translation>
    </message>
    <message>
        <source>cannot connect to NATS</source>
        <translation>无法连接到 NATS</translation>
    </message>
    <message>
        <source>cannot connect to NATS: %1</source>
        <translation>无法连接到 NATS：%1</translation>
    </message>
    <message>
        <source>cannot subscribe to %1</source>
        <translation>无法订阅 %1</translation>
    </message>
    <message>
        <source>this build has no NATS support</source>
        <translation>此版本不支持 NATS</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>NATS refused: %1 (a permissions violation: this server&apos;s NATS user may not do that)</source>
        <translation>NATS 拒绝：%1（权限违规：本服务器的 NATS 用户无权这样做）</translation>
    </message>
    <message>
        <source>TLS: %1</source>
        <translation>TLS：%1</translation>
    </message>
    <message>
        <source>refused: %1; next try in %2 s</source>
        <translation>被拒绝：%1；%2 秒后重试</translation>
    </message>
    <message>
        <source>cannot set up the NATS connection: %1</source>
        <translation>无法建立 NATS 连接：%1</translation>
    </message>
</context>
<context>
    <name>ClusterPanel</name>
    <message>
        <source>The NATS servers to connect to, separated by commas, e.g. nats://10.0.0.5:4222, nats://10.0.0.6:4222; when one fails the next is tried</source>
        <translation>要连接的 NATS 服务器，以逗号分隔，例如 nats://10.0.0.5:4222, nats://10.0.0.6:4222；一个失败时尝试下一个</translation>
    </message>
    <message>
        <source>The broadcast domain: the clients of every server in one domain hear each other. Letters, digits, _ and - only; empty: default</source>
        <translation>广播域：同一域中所有服务器的客户端彼此都能收到消息。只能使用字母、数字、_ 和 -；留空：default</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>This server&apos;s name in the domain, as the other servers show it; letters, digits, _ and - only; empty: a unique one is made when joining</source>
        <translation>本服务器在域中的名称，其他服务器按此显示；只能使用字母、数字、_ 和 -；留空：加入时自动生成唯一名称</translation>
    </message>
    <message>
        <source>Most bytes of messages kept while no NATS server is reachable; what does not fit is dropped and counted</source>
        <translation>无法连接 NATS 服务器时最多保留的消息字节数；放不下的消息被丢弃并计数</translation>
    </message>
    <message>
        <source>Join cluster</source>
        <translation>加入集群</translation>
    </message>
    <message>
        <source>Join the domain on the NATS servers above, or leave it (F6); this server&apos;s clients stay connected either way</source>
        <translation>通过上面的 NATS 服务器加入该域，或离开它 (F6)；本服务器的客户端始终保持连接</translation>
    </message>
    <message>
        <source>The bridge to the cluster: Off, Connecting, Connected or Reconnecting</source>
        <translation>到集群的桥接：关闭、正在连接、已连接或正在重连</translation>
    </message>
    <message>
        <source>The NATS server in use</source>
        <translation>正在使用的 NATS 服务器</translation>
    </message>
    <message>
        <source>Messages of this server&apos;s clients published to the domain, and messages of other servers&apos; clients delivered here</source>
        <translation>本服务器客户端发布到域中的消息，以及其他服务器客户端投递到这里的消息</translation>
    </message>
    <message>
        <source>Bytes waiting for the NATS server to come back; messages that did not fit (dropped); messages of other servers that never arrived (gaps)</source>
        <translation>等待 NATS 服务器恢复的字节数；缓冲区放不下的消息（丢弃）；其他服务器未到达的消息（缺失）</translation>
    </message>
    <message>
        <source>&amp;NATS servers:</source>
        <translation>NATS 服务器(&amp;N):</translation>
    </message>
    <message>
        <source>Do&amp;main:</source>
        <translation>域(&amp;M):</translation>
    </message>
    <message>
        <source>Server &amp;id:</source>
        <translation>服务器标识(&amp;I):</translation>
    </message>
    <message>
        <source>Reconnect &amp;buffer:</source>
        <translation>重连缓冲区(&amp;B):</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>状态:</translation>
    </message>
    <message>
        <source>Node:</source>
        <translation>节点:</translation>
    </message>
    <message>
        <source>Messages:</source>
        <translation>消息:</translation>
    </message>
    <message>
        <source>Buffer:</source>
        <translation>缓冲区:</translation>
    </message>
    <message>
        <source>Type the NATS servers to join first, e.g. nats://127.0.0.1:4222</source>
        <translation>请先输入要加入的 NATS 服务器，例如 nats://127.0.0.1:4222</translation>
    </message>
    <message>
        <source>Not a domain name: %1. Use letters, digits, _ and - only.</source>
        <translation>不是域名：%1。只能使用字母、数字、_ 和 -。</translation>
    </message>
    <message>
        <source>Not a server id: %1. Use letters, digits, _ and - only.</source>
        <translation>不是服务器标识：%1。只能使用字母、数字、_ 和 -。</translation>
    </message>
    <message>
        <source>Connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>正在重连</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Leave cluster</source>
        <translation>离开集群</translation>
    </message>
    <message>
        <source>Not available in this build</source>
        <translation>此版本不可用</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1 published, %2 received</source>
        <translation>已发布 %1，已接收 %2</translation>
    </message>
    <message>
        <source>file</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>PEM CA certificates the NATS servers are verified against (TLS is then on)</source>
        <translation>用于验证 NATS 服务器的 PEM CA 证书（此时启用 TLS）</translation>
    </message>
    <message>
        <source>This server&apos;s PEM client certificate, for a NATS server that verifies clients</source>
        <translation>本服务器的 PEM 客户端证书，用于验证客户端的 NATS 服务器</translation>
    </message>
    <message>
        <source>The PEM private key of the client certificate</source>
        <translation>客户端证书的 PEM 私钥</translation>
    </message>
    <message>
        <source>The NATS user name; its password is read from the file below</source>
        <translation>NATS 用户名；其密码从下面的文件读取</translation>
    </message>
    <message>
        <source>A file whose first line is the NATS user&apos;s password</source>
        <translation>第一行为 NATS 用户密码的文件</translation>
    </message>
    <message>
        <source>A file whose first line is a NATS token (instead of a user)</source>
        <translation>第一行为 NATS 令牌的文件（代替用户）</translation>
    </message>
    <message>
        <source>A NATS .creds file: a user JWT and its NKey seed</source>
        <translation>NATS .creds 文件：用户 JWT 及其 NKey 种子</translation>
    </message>
    <message>
        <source>A file with an NKey seed and, on the next line, its public key</source>
        <translation>包含 NKey 种子及下一行其公钥的文件</translation>
    </message>
    <message>
        <source>TLS and credentials</source>
        <translation>TLS 与凭据</translation>
    </message>
    <message>
        <source>Show or hide where the NATS certificates and credentials are</source>
        <translation>显示或隐藏 NATS 证书和凭据的位置</translation>
    </message>
    <message>
        <source>&amp;CA file:</source>
        <translation>CA 文件(&amp;C):</translation>
    </message>
    <message>
        <source>Cer&amp;tificate:</source>
        <translation>证书(&amp;T):</translation>
    </message>
    <message>
        <source>&amp;Key:</source>
        <translation>私钥(&amp;K):</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>用户(&amp;U):</translation>
    </message>
    <message>
        <source>&amp;Password file:</source>
        <translation>密码文件(&amp;P):</translation>
    </message>
    <message>
        <source>T&amp;oken file:</source>
        <translation>令牌文件(&amp;O):</translation>
    </message>
    <message>
        <source>C&amp;reds file:</source>
        <translation>Creds 文件(&amp;R):</translation>
    </message>
    <message>
        <source>NKey s&amp;eed:</source>
        <translation>NKey 种子(&amp;E):</translation>
    </message>
    <message>
        <source>%1 buffered, %2 dropped, %3 gaps, %4 refused</source>
        <translation>缓冲 %1，丢弃 %2，缺失 %3，拒绝 %4</translation>
    </message>
</context>
<context>
    <name>ClusterPeerModel</name>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>%1, not listening</source>
        <translation>%1，未监听</translation>
    </message>
    <message>
        <source>This server, %1 in the domain, at %2
%3 clients</source>
        <translation>本服务器，在域中为 %1，位于 %2
%3 个客户端</translation>
    </message>
    <message>
        <source>Server %1 at %2
%3 clients
last heard from %4</source>
        <translation>服务器 %1，位于 %2
%3 个客户端
最后一次收到其消息：%4</translation>
    </message>
    <message>
        <source>%1 (this server)</source>
        <translation>%1（本服务器）</translation>
    </message>
    <message>
        <source>The server&apos;s id in the domain; this server is in bold</source>
        <translation>服务器在域中的标识；本服务器以粗体显示</translation>
    </message>
    <message>
        <source>The machine the server runs on and the port its clients connect to</source>
        <translation>服务器所在的主机，以及其客户端连接的端口</translation>
    </message>
    <message>
        <source>Clients connected to that server, from its last presence message</source>
        <translation>连接到该服务器的客户端数，取自其最近一条在线消息</translation>
    </message>
    <message>
        <source>Time since that server&apos;s last presence message</source>
        <translation>距该服务器最近一条在线消息的时间</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最后在线</translation>
    </message>
</context>
<context>
    <name>ClusterPeersPanel</name>
    <message>
        <source>The servers of the domain, from their presence messages; this server is in bold</source>
        <translation>域中的服务器，取自它们的在线消息；本服务器以粗体显示</translation>
    </message>
    <message>
        <source>Servers and clients of the whole domain</source>
        <translation>整个域的服务器和客户端</translation>
    </message>
    <message>
        <source>Not in a cluster. Type the NATS servers in the Cluster tab of the settings and click Join cluster.</source>
        <translation>未加入集群。请在设置的“集群”页中输入 NATS 服务器，然后点击“加入集群”。</translation>
    </message>
    <message>
        <source>Domain %1: %2 servers, %3 clients in all</source>
        <translation>域 %1：%2 台服务器，共 %3 个客户端</translation>
    </message>
    <message>
        <source>Cluster servers (%1)</source>
        <translation>集群服务器 (%1)</translation>
    </message>
    <message>
        <source>Cluster servers</source>
        <translation>集群服务器</translation>
    </message>
</context>
<context>
    <name>EchoClient</name>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>closed by the client</source>
        <translation>客户端关闭了连接</translation>
    </message>
    <message>
        <source>message too long</source>
        <translation>消息过长</translation>
    </message>
    <message>
        <source>connection closed by the server</source>
        <translation>服务器关闭了连接</translation>
    </message>
    <message>
        <source>connection timed out</source>
        <translation>连接超时</translation>
    </message>
    <message>
        <source>connection refused</source>
        <translation>连接被拒绝</translation>
    </message>
    <message>
        <source>host not found: %1</source>
        <translation>找不到主机:%1</translation>
    </message>
    <message>
        <source>certificate refused: %1</source>
        <translation>证书被拒绝:%1</translation>
    </message>
    <message>
        <source>%1, SHA-256 %2</source>
        <translation>%1,SHA-256 %2</translation>
    </message>
    <message>
        <source>TLS handshake failed: %1</source>
        <translation>TLS 握手失败:%1</translation>
    </message>
    <message>
        <source>periodic message not sent: %1</source>
        <translation>定时消息未发送:%1</translation>
    </message>
</context>
<context>
    <name>Framing</name>
    <message>
        <source>a frame ends with the bytes %1: 61 62 %1 is the message 61 62</source>
        <translation>帧以字节 %1 结束:61 62 %1 即消息 61 62</translation>
    </message>
    <message>
        <source>every %1 bytes are one frame</source>
        <translation>每 %1 字节为一帧</translation>
    </message>
    <message>
        <source>%1 bytes, then %2</source>
        <translation>%1 字节,然后 %2</translation>
    </message>
    <message>
        <source>a %1-byte %2 length field at byte %3 counts the bytes after it%4: %5 is one frame</source>
        <translation>第 %3 字节处的 %1 字节%2长度字段给出其后的字节数%4:%5 为一帧</translation>
    </message>
    <message>
        <source>little-endian</source>
        <translation>小端</translation>
    </message>
    <message>
        <source>big-endian</source>
        <translation>大端</translation>
    </message>
    <message>
        <source> minus %1</source>
        <translation>减 %1</translation>
    </message>
    <message>
        <source> plus %1</source>
        <translation>加 %1</translation>
    </message>
    <message>
        <source>(no two-byte body fits)</source>
        <translation>(放不下两字节的正文)</translation>
    </message>
    <message>
        <source>every read is one frame</source>
        <translation>每次读到的数据为一帧</translation>
    </message>
    <message>
        <source>a frame is what arrived before %1 ms without a byte</source>
        <translation>帧是发送方静默 %1 ms 之前到达的数据</translation>
    </message>
    <message>
        <source>a frame ends with a line feed (CR LF too): &quot;ab\n&quot; is the message &quot;ab&quot;</source>
        <translation>帧以换行符结束(也接受 CR LF):&quot;ab\n&quot; 即消息 &quot;ab&quot;</translation>
    </message>
</context>
<context>
    <name>FramingEdit</name>
    <message>
        <source>Line</source>
        <translation>按行</translation>
    </message>
    <message>
        <source>Delimiter</source>
        <translation>分隔符</translation>
    </message>
    <message>
        <source>Fixed size</source>
        <translation>固定长度</translation>
    </message>
    <message>
        <source>Length field</source>
        <translation>长度字段</translation>
    </message>
    <message>
        <source>Idle gap</source>
        <translation>空闲间隔</translation>
    </message>
    <message>
        <source>How the byte stream is cut into messages: by line, by a delimiter, in frames of a fixed size, by a length field in each frame&apos;s header, or by a pause of the sender</source>
        <translation>如何把字节流切分为消息:按行、按分隔符、按固定长度的帧、按每帧头部的长度字段,或按发送方的停顿</translation>
    </message>
    <message>
        <source>e.g. 7e or 0d 0a</source>
        <translation>例如 7e 或 0d 0a</translation>
    </message>
    <message>
        <source>The bytes that end a frame, in hexadecimal (1 to %1 bytes). Enter applies.</source>
        <translation>结束一帧的字节,十六进制(1 到 %1 字节)。按回车生效。</translation>
    </message>
    <message>
        <source>Every this many bytes are one frame</source>
        <translation>每这么多字节为一帧</translation>
    </message>
    <message>
        <source>1 byte</source>
        <translation>1 字节</translation>
    </message>
    <message>
        <source>2 bytes</source>
        <translation>2 字节</translation>
    </message>
    <message>
        <source>4 bytes</source>
        <translation>4 字节</translation>
    </message>
    <message>
        <source>How many bytes the length field has</source>
        <translation>长度字段的字节数</translation>
    </message>
    <message>
        <source>Big-endian</source>
        <translation>大端</translation>
    </message>
    <message>
        <source>Little-endian</source>
        <translation>小端</translation>
    </message>
    <message>
        <source>Big-endian: the most significant byte first, as in network protocols and Modbus TCP</source>
        <translation>大端:最高有效字节在前,与网络协议和 Modbus TCP 相同</translation>
    </message>
    <message>
        <source>Bytes of the frame before the length field (Modbus TCP: 4)</source>
        <translation>帧中位于长度字段之前的字节数(Modbus TCP:4)</translation>
    </message>
    <message>
        <source>Added to the field&apos;s value to get the bytes after the field; negative when the length counts the field or the header too</source>
        <translation>加到字段值上,得到字段之后的字节数;长度也计入字段本身或头部时为负数</translation>
    </message>
    <message>
        <source>every read</source>
        <translation>每次读取</translation>
    </message>
    <message>
        <source>A frame is what arrived before the sender was quiet this long; 0: every read is one frame</source>
        <translation>发送方静默这么久之前收到的内容为一帧;0:每次读取为一帧</translation>
    </message>
    <message>
        <source>What a frame is in this framing, with an example</source>
        <translation>此分帧方式下一帧是什么,附示例</translation>
    </message>
    <message>
        <source>&amp;Delimiter (hex):</source>
        <translation>分隔符(十六进制)(&amp;D):</translation>
    </message>
    <message>
        <source>Frame si&amp;ze:</source>
        <translation>帧长度(&amp;Z):</translation>
    </message>
    <message>
        <source>Field si&amp;ze:</source>
        <translation>字段长度(&amp;Z):</translation>
    </message>
    <message>
        <source>B&amp;yte order:</source>
        <translation>字节序(&amp;Y):</translation>
    </message>
    <message>
        <source>Offse&amp;t:</source>
        <translation>偏移(&amp;T):</translation>
    </message>
    <message>
        <source>Ad&amp;just:</source>
        <translation>调整(&amp;J):</translation>
    </message>
    <message>
        <source>Quie&amp;t for:</source>
        <translation>静默时长(&amp;T):</translation>
    </message>
    <message>
        <source>Type the delimiter&apos;s bytes in hexadecimal, such as 7e or 0d 0a</source>
        <translation>请用十六进制输入分隔符字节,例如 7e 或 0d 0a</translation>
    </message>
    <message>
        <source>Not hexadecimal bytes: %1. Use pairs of hex digits, such as 7e or 0d 0a.</source>
        <translation>不是十六进制字节:%1。请使用成对的十六进制数字,例如 7e 或 0d 0a。</translation>
    </message>
    <message>
        <source>A delimiter has at most %1 bytes; this one has %2</source>
        <translation>分隔符最多 %1 字节;此分隔符有 %2 字节</translation>
    </message>
    <message>
        <source>A frame of %1 bytes is longer than the longest message (%2 bytes): raise Max message first</source>
        <translation>%1 字节的帧超过了最长消息(%2 字节):请先调高最长消息</translation>
    </message>
    <message>
        <source>The length header (%1 bytes) is longer than the longest message (%2 bytes)</source>
        <translation>长度头部(%1 字节)超过了最长消息(%2 字节)</translation>
    </message>
</context>
<context>
    <name>JsonFileDialog</name>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>LimitField</name>
    <message>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <source> bytes</source>
        <translation> 字节</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
</context>
<context>
    <name>LogModel</name>
    <message>
        <source>status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>you (periodic)</source>
        <translation>我(定时)</translation>
    </message>
    <message>
        <source>you</source>
        <translation>我</translation>
    </message>
    <message>
        <source>#%1 %2</source>
        <translation>#%1 %2</translation>
    </message>
    <message>
        <source>server → all (%1)</source>
        <translation>服务器 → 全部(%1)</translation>
    </message>
    <message>
        <source>server → #%1</source>
        <translation>服务器 → #%1</translation>
    </message>
    <message>
        <source>Listening on %1 port %2</source>
        <translation>正在监听 %1 端口 %2</translation>
    </message>
    <message>
        <source>Stopped listening</source>
        <translation>已停止监听</translation>
    </message>
    <message>
        <source>Client #%1 connected from %2 (clients now: %3)</source>
        <translation>客户端 #%1 从 %2 连入(当前客户端:%3)</translation>
    </message>
    <message>
        <source>Client #%1 %2 disconnected: %3 (clients now: %4)</source>
        <translation>客户端 #%1 %2 已断开:%3(当前客户端:%4)</translation>
    </message>
    <message>
        <source>Refused %1: %2</source>
        <translation>拒绝 %1:%2</translation>
    </message>
    <message>
        <source>%1 bytes</source>
        <translation>%1 字节</translation>
    </message>
    <message>
        <source>#%1 %2 → %3</source>
        <comment>received, relayed to %3 clients</comment>
        <translation>#%1 %2 → %3</translation>
    </message>
    <message>
        <source>%1 #%2 → %3</source>
        <comment>remote server, its client, relayed to %3 clients</comment>
        <translation>%1 #%2 → %3</translation>
    </message>
    <message>
        <source>%1 #%2</source>
        <comment>remote server, its client</comment>
        <translation>%1 #%2</translation>
    </message>
    <message>
        <source>cluster</source>
        <translation>集群</translation>
    </message>
    <message>
        <source>Cluster: joining domain %1 via %2</source>
        <translation>集群：正在通过 %2 加入域 %1</translation>
    </message>
    <message>
        <source>Cluster: connected to %1, domain %2, as %3</source>
        <translation>集群：已连接到 %1，域 %2，本服务器为 %3</translation>
    </message>
    <message>
        <source>Cluster: lost the NATS server; reconnecting, messages wait in the buffer</source>
        <translation>集群：与 NATS 服务器断开；正在重连，消息在缓冲区中等待</translation>
    </message>
    <message>
        <source>Cluster: %1; reconnecting, messages wait in the buffer</source>
        <translation>集群：%1；正在重连，消息在缓冲区中等待</translation>
    </message>
    <message>
        <source>Cluster: left domain %1</source>
        <translation>集群：已离开域 %1</translation>
    </message>
    <message>
        <source>Cluster: could not join domain %1: %2</source>
        <translation>集群：无法加入域 %1：%2</translation>
    </message>
    <message>
        <source>Cluster: out of domain %1: %2</source>
        <translation>集群：已退出域 %1：%2</translation>
    </message>
    <message>
        <source>Cluster: %1 joined domain %2</source>
        <translation>集群：%1 加入了域 %2</translation>
    </message>
    <message>
        <source>Cluster: %1 left domain %2 (%3)</source>
        <translation>集群：%1 离开了域 %2（%3）</translation>
    </message>
    <message>
        <source>Cluster: message %1 of %2 never arrived (a failover or a full buffer)</source>
        <translation>集群：%2 的消息 %1 未到达（故障切换或缓冲区已满）</translation>
    </message>
    <message>
        <source>Cluster: messages %1–%2 of %3 never arrived (a failover or a full buffer)</source>
        <translation>集群：%3 的消息 %1–%2 未到达（故障切换或缓冲区已满）</translation>
    </message>
    <message>
        <source>Cluster: %1 messages not published: the NATS reconnect buffer (%2 bytes) is full, or NATS cannot keep up</source>
        <translation>集群：%1 条消息未发布：NATS 重连缓冲区（%2 字节）已满，或 NATS 跟不上</translation>
    </message>
    <message>
        <source>Cluster: %1</source>
        <translation>集群：%1</translation>
    </message>
    <message>
        <source>Start to Connect...</source>
        <translation>开始连接...</translation>
    </message>
    <message>
        <source>Connected...</source>
        <translation>已连接...</translation>
    </message>
    <message>
        <source>Server certificate: %1</source>
        <translation>服务器证书:%1</translation>
    </message>
    <message>
        <source>Connection is failed, Reason: %1</source>
        <translation>连接失败,原因:%1</translation>
    </message>
    <message>
        <source>Lost connection. Reason: %1</source>
        <translation>连接已断开。原因:%1</translation>
    </message>
    <message>
        <source>Reconnecting in %1 s...</source>
        <translation>%1 秒后重新连接...</translation>
    </message>
    <message>
        <source>Cluster: refused %1 messages from %2: %3</source>
        <translation>集群：拒绝了来自 %2 的 %1 条消息：%3</translation>
    </message>
    <message>
        <source>Cluster: still joining domain %1: %2</source>
        <translation>集群：仍在加入域 %1：%2</translation>
    </message>
    <message>
        <source>rule %1 · hit %2</source>
        <comment>a message a rule sent: the rule&apos;s name, its hits</comment>
        <translation>规则 %1 · 第 %2 次命中</translation>
    </message>
    <message>
        <source>tag %1</source>
        <translation>标签 %1</translation>
    </message>
    <message>
        <source>capture</source>
        <translation>抓包</translation>
    </message>
    <message>
        <source>Capture: writing %1 (%2)</source>
        <translation>抓包:正在写入 %1 (%2)</translation>
    </message>
    <message>
        <source>Capture: stopped %1 at %2 bytes</source>
        <translation>抓包:已停止 %1,共 %2 字节</translation>
    </message>
    <message>
        <source>Capture: stopped %1 at %2 bytes: %3</source>
        <translation>抓包:已停止 %1,共 %2 字节:%3</translation>
    </message>
    <message>
        <source>SpreadSite client&apos;s log: server %1 port %2</source>
        <translation>SpreadSite 客户端日志:服务器 %1 端口 %2</translation>
    </message>
    <message>
        <source>SpreadSite server&apos;s log: server on %1 port %2</source>
        <translation>SpreadSite 服务器日志:服务器位于 %1 端口 %2</translation>
    </message>
    <message>
        <source>; the log had no address of the server (0.0.0.0 port 0 stands for it)</source>
        <translation>;日志中没有服务器地址(以 0.0.0.0 端口 0 代替)</translation>
    </message>
    <message>
        <source>; each message followed by its framing&apos;s ending</source>
        <translation>;每条消息后接其分帧的结尾</translation>
    </message>
    <message>
        <source>; the log did not say the framing: a line feed after each message</source>
        <translation>;日志未说明分帧:每条消息后接换行</translation>
    </message>
    <message>
        <source>; built from the log, not captured: times to the millisecond</source>
        <translation>;由日志生成,并非抓包:时间精确到毫秒</translation>
    </message>
    <message>
        <source>cluster server %1</source>
        <translation>集群服务器 %1</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>Filter (Ctrl+F)</source>
        <translation>筛选 (Ctrl+F)</translation>
    </message>
    <message>
        <source>Show only the lines that contain this text (in the message, the client or the address)</source>
        <translation>只显示包含此文本的行(匹配消息、客户端或地址)</translation>
    </message>
    <message>
        <source>Show only the lines of one client</source>
        <translation>只显示某一个客户端的行</translation>
    </message>
    <message>
        <source>All clients</source>
        <translation>全部客户端</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>十六进制</translation>
    </message>
    <message>
        <source>Show messages as hexadecimal bytes</source>
        <translation>以十六进制字节显示消息</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <source>Keep the newest line in view; scrolling up pauses, scrolling to the bottom resumes</source>
        <translation>始终显示最新一行;向上滚动即暂停,滚到底部即恢复</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>Clear the log (Ctrl+L)</source>
        <translation>清空日志 (Ctrl+L)</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Lines in the log; the oldest go once it holds %1</source>
        <translation>日志行数;超过 %1 行时丢弃最早的行</translation>
    </message>
    <message>
        <source>Received messages are on the left in blue, sent ones on the right in green, events in grey.</source>
        <translation>收到的消息在左侧(蓝色),发出的消息在右侧(绿色),事件为灰色。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Select all</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>%1 of %2 lines</source>
        <translation>%1 / %2 行</translation>
    </message>
    <message>
        <source>%1 lines</source>
        <translation>%1 行</translation>
    </message>
    <message>
        <source>Follow (%1 new)</source>
        <translation>跟随(%1 条新消息)</translation>
    </message>
    <message>
        <source>Log cleared</source>
        <translation>日志已清空</translation>
    </message>
    <message>
        <source>Could not save the log to %1: %2</source>
        <translation>无法将日志保存到 %1:%2</translation>
    </message>
    <message>
        <source>Saved %1 lines to %2</source>
        <translation>已将 %1 行保存到 %2</translation>
    </message>
    <message>
        <source>Text (*.txt *.log)</source>
        <translation>文本 (*.txt *.log)</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Save log</source>
        <translation>保存日志</translation>
    </message>
    <message>
        <source>&amp;Save log…</source>
        <translation>保存日志(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Filter the log</source>
        <translation>筛选日志(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Clear the log</source>
        <translation>清空日志(&amp;C)</translation>
    </message>
    <message>
        <source>Save the lines shown as text or JSON Lines (Ctrl+S); its menu saves the messages as pcapng</source>
        <translation>将显示的行保存为文本或 JSON Lines (Ctrl+S);其菜单可将消息保存为 pcapng</translation>
    </message>
    <message>
        <source>Save as text or JSON Lines…</source>
        <translation>保存为文本或 JSON Lines…</translation>
    </message>
    <message>
        <source>Save as pcapng…</source>
        <translation>保存为 pcapng…</translation>
    </message>
    <message>
        <source>Save the messages the log holds as pcapng, one TCP stream per client, for Wireshark</source>
        <translation>将日志中的消息保存为 pcapng,每个客户端一条 TCP 流,供 Wireshark 使用</translation>
    </message>
    <message>
        <source>Saved the log&apos;s messages as pcapng to %1</source>
        <translation>已将日志消息以 pcapng 保存到 %1</translation>
    </message>
    <message>
        <source>pcapng (*.pcapng)</source>
        <translation>pcapng (*.pcapng)</translation>
    </message>
    <message>
        <source>Save log as pcapng</source>
        <translation>将日志保存为 pcapng</translation>
    </message>
    <message>
        <source>Save log as &amp;pcapng…</source>
        <translation>将日志保存为 pcapng(&amp;P)…</translation>
    </message>
</context>
<context>
    <name>MessageTemplate</name>
    <message>
        <source>{client} is a client&apos;s id on the server: a client has none to send</source>
        <translation>{client} 是客户端在服务器上的编号:客户端发送时没有这个值</translation>
    </message>
    <message>
        <source>“{%1:” has no closing “}”</source>
        <translation>“{%1:”缺少结尾的“}”</translation>
    </message>
    <message>
        <source>“%1” is not hex bytes</source>
        <translation>“%1”不是十六进制字节</translation>
    </message>
    <message>
        <source>%1: START must be a whole number</source>
        <translation>%1:START 必须是整数</translation>
    </message>
    <message>
        <source>%1: the format is empty</source>
        <translation>%1:格式为空</translation>
    </message>
    <message>
        <source>%1: write {random:MIN-MAX}, two whole numbers with MIN ≤ MAX</source>
        <translation>%1:请写成 {random:MIN-MAX},即两个整数且 MIN ≤ MAX</translation>
    </message>
    <message>
        <source>%1: not hex bytes</source>
        <translation>%1:不是十六进制字节</translation>
    </message>
    <message>
        <source>%1 takes no argument</source>
        <translation>%1 不带参数</translation>
    </message>
    <message>
        <source>unknown token %1 (a literal brace is written “{{”)</source>
        <translation>未知占位符 %1(字面的花括号写作“{{”)</translation>
    </message>
</context>
<context>
    <name>ReasonText</name>
    <message>
        <source>not allowed</source>
        <translation>不允许连接</translation>
    </message>
    <message>
        <source>server full</source>
        <translation>服务器已满</translation>
    </message>
    <message>
        <source>too many connections from %1</source>
        <translation>来自 %1 的连接过多</translation>
    </message>
    <message>
        <source>client sent close</source>
        <translation>客户端发送了 close</translation>
    </message>
    <message>
        <source>dropped by the server</source>
        <translation>被服务器断开</translation>
    </message>
    <message>
        <source>dropped by the server: %1</source>
        <translation>被服务器断开:%1</translation>
    </message>
    <message>
        <source>server stopped</source>
        <translation>服务器已停止</translation>
    </message>
    <message>
        <source>server shutting down</source>
        <translation>服务器正在关闭</translation>
    </message>
    <message>
        <source>cannot accept a connection: %1</source>
        <translation>无法接受连接:%1</translation>
    </message>
    <message>
        <source>closed by peer</source>
        <translation>对方关闭了连接</translation>
    </message>
    <message>
        <source>message too long</source>
        <translation>消息过长</translation>
    </message>
    <message>
        <source>too slow</source>
        <translation>读取过慢</translation>
    </message>
    <message>
        <source>TLS handshake failed: %1</source>
        <translation>TLS 握手失败:%1</translation>
    </message>
    <message>
        <source>no handshake within %1 ms</source>
        <translation>%1 毫秒内未完成握手</translation>
    </message>
    <message>
        <source>the client closed the connection</source>
        <translation>客户端关闭了连接</translation>
    </message>
    <message>
        <source>clear text, not TLS</source>
        <translation>明文连接,不是 TLS</translation>
    </message>
    <message>
        <source>stalled for %1 ms while others waited</source>
        <translation>停滞 %1 毫秒,而其他客户端在等待</translation>
    </message>
    <message>
        <source>no client certificate</source>
        <translation>客户端未提供证书</translation>
    </message>
    <message>
        <source>client certificate refused: %1</source>
        <translation>客户端证书被拒绝:%1</translation>
    </message>
    <message>
        <source>TLS error: %1</source>
        <translation>TLS 错误:%1</translation>
    </message>
    <message>
        <source>message not sent: %1</source>
        <translation>消息未发送:%1</translation>
    </message>
    <message>
        <source>bad length field</source>
        <translation>长度字段无效</translation>
    </message>
    <message>
        <source>%1 (an unfinished frame of %2 bytes was dropped)</source>
        <translation>%1(丢弃了一个 %2 字节的不完整帧)</translation>
    </message>
</context>
<context>
    <name>Regex</name>
    <message>
        <source>%1 (at character %2)</source>
        <translation>%1(在第 %2 个字符处)</translation>
    </message>
</context>
<context>
    <name>ReplayPanel</name>
    <message>
        <source>a capture (pcapng, pcap) or a JSON Lines log</source>
        <translation>抓包文件(pcapng、pcap)或 JSON Lines 日志</translation>
    </message>
    <message>
        <source>The file replayed: what its clients sent is sent again</source>
        <translation>要回放的文件:其中客户端发送过的内容会再次发送</translation>
    </message>
    <message>
        <source>&amp;Browse...</source>
        <translation>浏览(&amp;B)...</translation>
    </message>
    <message>
        <source>Choose a capture or a log to replay</source>
        <translation>选择要回放的抓包或日志</translation>
    </message>
    <message>
        <source>The recorded clients found in the file: one of them, or all, each on its own connection</source>
        <translation>文件中记录的客户端:选其一,或全部,每个使用单独的连接</translation>
    </message>
    <message>
        <source>As fast as possible</source>
        <translation>尽快</translation>
    </message>
    <message>
        <source>The recorded gaps divided by this: 1 as recorded, 2 twice as fast; 0 with no gaps at all</source>
        <translation>记录的间隔除以此值:1 为原速,2 为两倍速;0 为完全没有间隔</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <source>Connect to the server of the controls and replay</source>
        <translation>连接到上方所填的服务器并回放</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Stop the replay and close its connections</source>
        <translation>停止回放并关闭其连接</translation>
    </message>
    <message>
        <source>S&amp;peed:</source>
        <translation>速度(&amp;P):</translation>
    </message>
    <message>
        <source>%v of %m messages sent</source>
        <translation>已发送 %v / %m 条消息</translation>
    </message>
    <message>
        <source>Messages of the chosen clients sent so far</source>
        <translation>所选客户端目前已发送的消息</translation>
    </message>
    <message>
        <source>How the last replay went, or why the file cannot be replayed</source>
        <translation>上次回放的结果,或文件无法回放的原因</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>文件(&amp;F):</translation>
    </message>
    <message>
        <source>&amp;Clients:</source>
        <translation>客户端(&amp;C):</translation>
    </message>
    <message>
        <source>Replay a file</source>
        <translation>回放文件</translation>
    </message>
    <message>
        <source>Captures and logs (*.pcapng *.pcap *.jsonl *.json *.log);;pcapng captures (*.pcapng);;pcap captures (*.pcap);;JSON Lines logs (*.jsonl *.json *.log);;All files (*)</source>
        <translation>抓包和日志 (*.pcapng *.pcap *.jsonl *.json *.log);;pcapng 抓包 (*.pcapng);;pcap 抓包 (*.pcap);;JSON Lines 日志 (*.jsonl *.json *.log);;所有文件 (*)</translation>
    </message>
    <message>
        <source>%1 holds no recorded client that sent something</source>
        <translation>%1 中没有发送过内容的已记录客户端</translation>
    </message>
    <message numerus="yes">
        <source>All recorded clients (%1), %n message(s)</source>
        <translation>
            <numerusform>全部已记录客户端(%1),%n 条消息</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Client #%1, %n message(s)</source>
        <translation>
            <numerusform>客户端 #%1,%n 条消息</numerusform>
        </translation>
    </message>
    <message>
        <source>log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>capture</source>
        <translation>抓包</translation>
    </message>
    <message numerus="yes">
        <source>A %1 with %n recorded client(s) (ids: %2)</source>
        <translation>
            <numerusform>%1,含 %n 个已记录客户端(编号:%2)</numerusform>
        </translation>
    </message>
    <message>
        <source>Choose a file to replay first</source>
        <translation>请先选择要回放的文件</translation>
    </message>
    <message>
        <source>Type the server&apos;s host and port above first</source>
        <translation>请先在上方填写服务器的主机和端口</translation>
    </message>
    <message>
        <source>Replaying to %1...</source>
        <translation>正在回放到 %1...</translation>
    </message>
    <message>
        <source>Replaying %1 to %2</source>
        <translation>正在将 %1 回放到 %2</translation>
    </message>
    <message numerus="yes">
        <source>Done: %n message(s) sent to %1</source>
        <translation>
            <numerusform>完成:已向 %1 发送 %n 条消息</numerusform>
        </translation>
    </message>
    <message>
        <source>Replay ended: %1</source>
        <translation>回放结束:%1</translation>
    </message>
</context>
<context>
    <name>Replayer</name>
    <message>
        <source>%1 is not a recorded client (ids: %2)</source>
        <translation>%1 不是已记录的客户端(编号:%2)</translation>
    </message>
    <message>
        <source>no recorded client to replay</source>
        <translation>没有可回放的已记录客户端</translation>
    </message>
    <message>
        <source>stopped after %1 of %2 message(s)</source>
        <translation>已在发送 %1 / %2 条消息后停止</translation>
    </message>
</context>
<context>
    <name>RuleRunner</name>
    <message>
        <source>rule %1: %2 delayed actions are waiting already; more are dropped until they are done</source>
        <translation>规则 %1:已有 %2 个延迟动作在等待;在它们完成前,更多的将被丢弃</translation>
    </message>
</context>
<context>
    <name>RuleSet</name>
    <message>
        <source>rule %1</source>
        <translation>规则 %1</translation>
    </message>
    <message>
        <source>“name” must be text</source>
        <translation>“name”必须是文本</translation>
    </message>
    <message>
        <source>“%1” must be true or false</source>
        <translation>“%1”必须是 true 或 false</translation>
    </message>
    <message>
        <source>“match” must be an object with one of “text”, “contains”, “regex”, “hex”</source>
        <translation>“match”必须是一个对象,含“text”、“contains”、“regex”、“hex”之一</translation>
    </message>
    <message>
        <source>unknown key %1 in “match”</source>
        <translation>“match”中有未知的键 %1</translation>
    </message>
    <message>
        <source>“match” must have only one of “text”, “contains”, “regex”, “hex”</source>
        <translation>“match”只能含“text”、“contains”、“regex”、“hex”中的一个</translation>
    </message>
    <message>
        <source>“%1” must be text</source>
        <translation>“%1”必须是文本</translation>
    </message>
    <message>
        <source>“tag” must be text</source>
        <translation>“tag”必须是文本</translation>
    </message>
    <message>
        <source>“delayMs” must be a whole number from 0 to %1</source>
        <translation>“delayMs”必须是 0 到 %1 之间的整数</translation>
    </message>
    <message>
        <source>unknown key %1</source>
        <translation>未知的键 %1</translation>
    </message>
    <message>
        <source>“match” is missing</source>
        <translation>缺少“match”</translation>
    </message>
    <message>
        <source>“from” must be a subnet, a client id, or a list of them</source>
        <translation>“from”必须是子网、客户端编号,或它们的列表</translation>
    </message>
    <message>
        <source>“contains” is empty</source>
        <translation>“contains”为空</translation>
    </message>
    <message>
        <source>the regex does not compile: %1</source>
        <translation>正则表达式无法编译:%1</translation>
    </message>
    <message>
        <source>“hex” must be bytes in hex, “??” for any byte: “ff 01 ?? 00”</source>
        <translation>“hex”必须是十六进制字节,“??”表示任意字节:“ff 01 ?? 00”</translation>
    </message>
    <message>
        <source>“from” %1: a client has no client ids; give a subnet</source>
        <translation>“from” %1:客户端没有客户端编号;请给出子网</translation>
    </message>
    <message>
        <source>“from” %1 is neither a subnet nor a client id</source>
        <translation>“from” %1 既不是子网也不是客户端编号</translation>
    </message>
    <message>
        <source>“broadcast” is the server&apos;s: a client only replies</source>
        <translation>“broadcast”只属于服务器:客户端只能回复</translation>
    </message>
    <message>
        <source>“relay” is the server&apos;s: a client relays nothing</source>
        <translation>“relay”只属于服务器:客户端不转发任何消息</translation>
    </message>
    <message numerus="yes">
        <source>\%1, but the regex has %n group(s)</source>
        <translation>
            <numerusform>\%1,但该正则只有 %n 个分组</numerusform>
        </translation>
    </message>
    <message>
        <source>\%1 needs a regex match</source>
        <translation>\%1 需要正则匹配</translation>
    </message>
    <message>
        <source>not JSON: %1 (at byte %2)</source>
        <translation>不是 JSON:%1(在第 %2 字节处)</translation>
    </message>
    <message>
        <source>a rules file is a JSON array of rules</source>
        <translation>规则文件是由规则组成的 JSON 数组</translation>
    </message>
    <message>
        <source>rule %1: not a JSON object</source>
        <translation>规则 %1:不是 JSON 对象</translation>
    </message>
</context>
<context>
    <name>RulesModel</name>
    <message>
        <source>“%1”</source>
        <translation>“%1”</translation>
    </message>
    <message>
        <source>reply %1</source>
        <translation>回复%1</translation>
    </message>
    <message>
        <source>broadcast %1</source>
        <translation>广播%1</translation>
    </message>
    <message>
        <source>not relayed</source>
        <translation>不转发</translation>
    </message>
    <message>
        <source>disconnect</source>
        <translation>断开</translation>
    </message>
    <message>
        <source>disconnect: %1</source>
        <translation>断开:%1</translation>
    </message>
    <message>
        <source>tag %1</source>
        <translation>标签 %1</translation>
    </message>
    <message>
        <source>after %1 ms</source>
        <translation>%1 毫秒后</translation>
    </message>
    <message>
        <source>then continue</source>
        <translation>然后继续</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无动作</translation>
    </message>
    <message>
        <source>On: the rule is tried</source>
        <translation>启用:会尝试此规则</translation>
    </message>
    <message>
        <source>Off: the rule is skipped</source>
        <translation>停用:跳过此规则</translation>
    </message>
    <message>
        <source>Anyone: no subnet or client given</source>
        <translation>任何人:未指定子网或客户端</translation>
    </message>
    <message>
        <source>anyone</source>
        <translation>任何人</translation>
    </message>
    <message>
        <source>Messages this rule matched since the rules were last changed</source>
        <translation>自规则上次更改以来此规则匹配的消息数</translation>
    </message>
    <message>
        <source>Whether the rule is tried</source>
        <translation>是否尝试此规则</translation>
    </message>
    <message>
        <source>On</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>The rule&apos;s name, as the log says it</source>
        <translation>规则名称,即日志中显示的名称</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>What a message must be, contain or match</source>
        <translation>消息必须等于、包含或匹配的内容</translation>
    </message>
    <message>
        <source>Match</source>
        <translation>匹配</translation>
    </message>
    <message>
        <source>Whose messages: subnets or client numbers; empty: anyone</source>
        <translation>谁的消息:子网或客户端编号;留空:任何人</translation>
    </message>
    <message>
        <source>From</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>What the rule does when it matches</source>
        <translation>规则匹配时执行的动作</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>动作</translation>
    </message>
    <message>
        <source>Messages matched since the rules were last changed</source>
        <translation>自规则上次更改以来匹配的消息数</translation>
    </message>
    <message>
        <source>Hits</source>
        <translation>命中</translation>
    </message>
    <message>
        <source>contains</source>
        <translation>包含</translation>
    </message>
    <message>
        <source>whole text</source>
        <translation>整条等于</translation>
    </message>
    <message>
        <source>regex</source>
        <translation>正则</translation>
    </message>
    <message>
        <source>hex bytes</source>
        <translation>十六进制字节</translation>
    </message>
    <message>
        <source>, </source>
        <comment>between the parts of a list of actions</comment>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>RulesPanel</name>
    <message>
        <source>“%1”</source>
        <translation>“%1”</translation>
    </message>
    <message>
        <source>The rules, tried in order on every message received; select one to edit it below</source>
        <translation>规则按顺序应用于收到的每条消息;选中一条即可在下方编辑</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>添加(&amp;A)</translation>
    </message>
    <message>
        <source>Add a rule after the selected one</source>
        <translation>在所选规则之后添加一条规则</translation>
    </message>
    <message>
        <source>Remo&amp;ve</source>
        <translation>删除(&amp;V)</translation>
    </message>
    <message>
        <source>Remove the selected rule</source>
        <translation>删除所选规则</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <source>Replace the rules with those of a rules file (JSON)</source>
        <translation>用规则文件(JSON)中的规则替换现有规则</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>导出(&amp;X)…</translation>
    </message>
    <message>
        <source>Write the running rules to a rules file (JSON)</source>
        <translation>将正在运行的规则写入规则文件(JSON)</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move the selected rule up: it is tried earlier</source>
        <translation>上移所选规则:更早尝试</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Move the selected rule down: it is tried later</source>
        <translation>下移所选规则:更晚尝试</translation>
    </message>
    <message>
        <source>Selected rule</source>
        <translation>所选规则</translation>
    </message>
    <message>
        <source>The rule&apos;s name: the log names it on what the rule sends</source>
        <translation>规则名称:日志在该规则发出的消息上标明此名称</translation>
    </message>
    <message>
        <source>How the pattern is compared: a part of the message, the whole message, a regular expression (its groups are \1 .. \9 in the actions), or the first bytes in hex (?? is any byte)</source>
        <translation>模式的比较方式:消息的一部分、整条消息、正则表达式(其分组在动作中写作 \1 .. \9),或开头的十六进制字节(?? 表示任意字节)</translation>
    </message>
    <message>
        <source>pattern</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>What the message must contain, be or match</source>
        <translation>消息必须包含、等于或匹配的内容</translation>
    </message>
    <message>
        <source>anyone</source>
        <translation>任何人</translation>
    </message>
    <message>
        <source>Only messages of these senders: subnets (10.0.0.0/8, ::1) or client numbers (#3), separated by commas; empty: anyone</source>
        <translation>只处理这些发送方的消息:子网(10.0.0.0/8, ::1)或客户端编号(#3),以逗号分隔;留空:任何人</translation>
    </message>
    <message>
        <source>Only when the server&apos;s address is in one of these subnets (10.0.0.0/8, ::1), separated by commas; empty: always</source>
        <translation>仅当服务器地址属于这些子网之一(10.0.0.0/8, ::1)时生效,以逗号分隔;留空:始终生效</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Sent back to the sender: a template; \0 is what matched, \1 .. \9 the regex groups, {counter} the rule&apos;s hits, {client} the sender</source>
        <translation>发回给发送方:一个模板;\0 为匹配到的内容,\1 .. \9 为正则分组,{counter} 为该规则的命中次数,{client} 为发送方</translation>
    </message>
    <message>
        <source>Sent to every client: a template, as the reply</source>
        <translation>发给所有客户端:一个模板,写法同回复</translation>
    </message>
    <message>
        <source>&amp;Relay the message</source>
        <translation>转发该消息(&amp;R)</translation>
    </message>
    <message>
        <source>Off: the message is logged but not relayed to the other clients</source>
        <translation>关闭时消息只记录在日志中,不转发给其他客户端</translation>
    </message>
    <message>
        <source>none: stays connected</source>
        <translation>无:保持连接</translation>
    </message>
    <message>
        <source>Disconnect the sender, with this reason</source>
        <translation>以此原因断开发送方</translation>
    </message>
    <message>
        <source>Disconnect from the server, with this reason</source>
        <translation>以此原因断开与服务器的连接</translation>
    </message>
    <message>
        <source>A word shown with the message in the log</source>
        <translation>在日志中随消息显示的一个词</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source>The reply, broadcast and disconnect wait this long (0 .. %1 ms)</source>
        <translation>回复、广播和断开先等待这么久再执行(0 .. %1 毫秒)</translation>
    </message>
    <message>
        <source>&amp;Then try the next rules</source>
        <translation>再尝试后面的规则(&amp;T)</translation>
    </message>
    <message>
        <source>Off: the first rule that matches is the only one applied</source>
        <translation>关闭时只应用第一条匹配的规则</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>来源(&amp;F):</translation>
    </message>
    <message>
        <source>&amp;Delay:</source>
        <translation>延迟(&amp;D):</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N):</translation>
    </message>
    <message>
        <source>&amp;Match:</source>
        <translation>匹配(&amp;M):</translation>
    </message>
    <message>
        <source>Re&amp;ply:</source>
        <translation>回复(&amp;P):</translation>
    </message>
    <message>
        <source>&amp;Broadcast:</source>
        <translation>广播(&amp;B):</translation>
    </message>
    <message>
        <source>Dis&amp;connect:</source>
        <translation>断开(&amp;C):</translation>
    </message>
    <message>
        <source>Ta&amp;g:</source>
        <translation>标签(&amp;G):</translation>
    </message>
    <message>
        <source>Try a message: type one to see which rules match</source>
        <translation>试一条消息:输入后查看匹配哪些规则</translation>
    </message>
    <message>
        <source>A message as it would arrive: says which running rules match it and what they would send; nothing is sent or counted</source>
        <translation>模拟收到的一条消息:显示正在运行的规则中哪些匹配它、会发送什么;不会真的发送,也不计数</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>十六进制</translation>
    </message>
    <message>
        <source>Read the message as hexadecimal bytes, e.g. ff 01 00</source>
        <translation>按十六进制字节解析消息,例如 ff 01 00</translation>
    </message>
    <message>
        <source>The saved rules were not read: %1</source>
        <translation>未能读取保存的规则:%1</translation>
    </message>
    <message>
        <source>Not imported: %1</source>
        <translation>未导入:%1</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n rules from %1</source>
        <translation>
            <numerusform>已从 %1 导入 %n 条规则</numerusform>
        </translation>
    </message>
    <message>
        <source>Not exported to %1: %2</source>
        <translation>未导出到 %1:%2</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n rules to %1</source>
        <translation>
            <numerusform>已将 %n 条规则导出到 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Exported the running rules to %1; the list as typed is not valid</source>
        <translation>已将正在运行的规则导出到 %1;当前编辑中的列表无效</translation>
    </message>
    <message>
        <source>Import rules</source>
        <translation>导入规则</translation>
    </message>
    <message>
        <source>Export rules</source>
        <translation>导出规则</translation>
    </message>
    <message>
        <source>rule %1</source>
        <translation>规则 %1</translation>
    </message>
    <message>
        <source>Not hexadecimal bytes</source>
        <translation>不是十六进制字节</translation>
    </message>
    <message>
        <source>No rule matches</source>
        <translation>没有匹配的规则</translation>
    </message>
    <message>
        <source>reply %1</source>
        <translation>回复%1</translation>
    </message>
    <message>
        <source>broadcast %1</source>
        <translation>广播%1</translation>
    </message>
    <message>
        <source>disconnect</source>
        <translation>断开</translation>
    </message>
    <message>
        <source>disconnect: %1</source>
        <translation>断开:%1</translation>
    </message>
    <message>
        <source>after %1 ms</source>
        <translation>%1 毫秒后</translation>
    </message>
    <message>
        <source>Rule “%1” matches</source>
        <translation>规则“%1”匹配</translation>
    </message>
    <message>
        <source>Rule “%1” matches: %2</source>
        <translation>规则“%1”匹配:%2</translation>
    </message>
    <message>
        <source>The message is relayed</source>
        <translation>消息会被转发</translation>
    </message>
    <message>
        <source>The message is not relayed</source>
        <translation>消息不会被转发</translation>
    </message>
    <message>
        <source>Tagged %1</source>
        <translation>加上标签 %1</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>规则</translation>
    </message>
</context>
<context>
    <name>SavedMessages</name>
    <message>
        <source>not JSON: %1 (at byte %2)</source>
        <translation>不是 JSON:%1(在第 %2 字节处)</translation>
    </message>
    <message>
        <source>a saved-messages file is a JSON array of messages</source>
        <translation>已保存消息文件是由消息组成的 JSON 数组</translation>
    </message>
    <message>
        <source>message %1</source>
        <translation>消息 %1</translation>
    </message>
    <message>
        <source>message “%1”</source>
        <translation>消息“%1”</translation>
    </message>
    <message>
        <source>message %1: not a JSON object</source>
        <translation>消息 %1:不是 JSON 对象</translation>
    </message>
    <message>
        <source>unknown key “%1”</source>
        <translation>未知的键“%1”</translation>
    </message>
    <message>
        <source>give exactly one of “text” and “hex”</source>
        <translation>“text”和“hex”必须且只能给出一个</translation>
    </message>
    <message>
        <source>“name”, “text” and “hex” must be text</source>
        <translation>“name”、“text”和“hex”必须是文本</translation>
    </message>
    <message>
        <source>“repeat” must be a whole number from 1 to %1</source>
        <translation>“repeat”必须是 1 到 %1 之间的整数</translation>
    </message>
    <message>
        <source>“intervalMs” must be a whole number from 0 to %1</source>
        <translation>“intervalMs”必须是 0 到 %1 之间的整数</translation>
    </message>
</context>
<context>
    <name>SavedMessagesModel</name>
    <message>
        <source>hex: %1</source>
        <translation>十六进制:%1</translation>
    </message>
    <message>
        <source>× %1</source>
        <translation>%1 次</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>Cannot be sent: %1</source>
        <translation>无法发送:%1</translation>
    </message>
    <message>
        <source>%1 sends this message</source>
        <translation>按 %1 发送此消息</translation>
    </message>
    <message>
        <source>Hex bytes: %1</source>
        <translation>十六进制字节:%1</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Repeat</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Interval</source>
        <translation>间隔</translation>
    </message>
    <message>
        <source>the message is empty</source>
        <translation>消息为空</translation>
    </message>
</context>
<context>
    <name>SavedMessagesPanel</name>
    <message>
        <source>Saved messages: double-click one, or press its key, to send it</source>
        <translation>已保存消息:双击一条或按其快捷键即可发送</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add a message after the selected one</source>
        <translation>在所选消息之后添加一条消息</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Remove the selected message</source>
        <translation>删除所选消息</translation>
    </message>
    <message>
        <source>Move the selected message up</source>
        <translation>上移所选消息</translation>
    </message>
    <message>
        <source>Move the selected message down</source>
        <translation>下移所选消息</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Add the messages of a saved-messages file (JSON)</source>
        <translation>添加已保存消息文件(JSON)中的消息</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Write these messages to a saved-messages file (JSON)</source>
        <translation>将这些消息写入已保存消息文件(JSON)</translation>
    </message>
    <message>
        <source>The message&apos;s name in the list</source>
        <translation>消息在列表中的名称</translation>
    </message>
    <message>
        <source>What is sent: text with tokens such as {counter}, {time}, {random:1-6}, {crc16-modbus}; a literal brace is written {{</source>
        <translation>要发送的内容:可含 {counter}、{time}、{random:1-6}、{crc16-modbus} 等占位符的文本;字面的花括号写作 {{</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>十六进制</translation>
    </message>
    <message>
        <source>Read the message as hexadecimal bytes; tokens still work: 01 03 00 00 00 0a {crc16-modbus}</source>
        <translation>按十六进制字节解析消息;占位符仍然可用:01 03 00 00 00 0a {crc16-modbus}</translation>
    </message>
    <message>
        <source> ×</source>
        <translation> 次</translation>
    </message>
    <message>
        <source>How many times Send sends it (1 to %1)</source>
        <translation>点击“发送”时发送的次数(1 到 %1)</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source>Milliseconds between repeats (0 to %1)</source>
        <translation>两次重复之间的毫秒数(0 到 %1)</translation>
    </message>
    <message>
        <source>every</source>
        <translation>每隔</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>消息:</translation>
    </message>
    <message>
        <source>Repeat:</source>
        <translation>重复:</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称:</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send the selected message (double-click, or its key)</source>
        <translation>发送所选消息(双击,或按其快捷键)</translation>
    </message>
    <message>
        <source>%v of %m</source>
        <translation>%v / %m</translation>
    </message>
    <message>
        <source>Messages of the sequence sent so far</source>
        <translation>该序列目前已发送的消息数</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop sending the repeats</source>
        <translation>停止发送剩余的重复</translation>
    </message>
    <message>
        <source>Message %1</source>
        <translation>消息 %1</translation>
    </message>
    <message>
        <source>Cannot be sent: %1</source>
        <translation>无法发送:%1</translation>
    </message>
    <message>
        <source>Send “%1”</source>
        <translation>发送“%1”</translation>
    </message>
    <message>
        <source>Saved message %1</source>
        <translation>已保存消息 %1</translation>
    </message>
    <message>
        <source>“%1” cannot be sent: %2</source>
        <translation>“%1”无法发送:%2</translation>
    </message>
    <message>
        <source>“%1” is being sent: stop it first</source>
        <translation>“%1”正在发送:请先停止</translation>
    </message>
    <message>
        <source>Stopped “%1” after %2 of %3</source>
        <translation>已停止“%1”:已发送 %3 次中的 %2 次</translation>
    </message>
    <message>
        <source>Sent “%1” %2 times</source>
        <translation>已将“%1”发送 %2 次</translation>
    </message>
    <message>
        <source>Could not import %1: %2</source>
        <translation>无法导入 %1:%2</translation>
    </message>
    <message>
        <source>Imported %1 messages from %2</source>
        <translation>已从 %2 导入 %1 条消息</translation>
    </message>
    <message>
        <source>Could not export to %1: %2</source>
        <translation>无法导出到 %1:%2</translation>
    </message>
    <message>
        <source>Exported %1 messages to %2</source>
        <translation>已将 %1 条消息导出到 %2</translation>
    </message>
    <message>
        <source>Import saved messages</source>
        <translation>导入已保存消息</translation>
    </message>
    <message>
        <source>Export saved messages</source>
        <translation>导出已保存消息</translation>
    </message>
    <message>
        <source>Saved messages</source>
        <translation>已保存消息</translation>
    </message>
</context>
<context>
    <name>ServerSettingsPanel</name>
    <message>
        <source>&amp;Relay each message to the other clients</source>
        <translation>将每条消息转发给其他客户端(&amp;R)</translation>
    </message>
    <message>
        <source>Off: messages are only logged, as in the seed&apos;s monitor mode</source>
        <translation>关闭时只记录消息,不转发(即原版的监听模式)</translation>
    </message>
    <message>
        <source>Sent to each client when it connects; %1 is its number; empty sends nothing. Enter applies.</source>
        <translation>客户端连接时发送的欢迎语;%1 为客户端编号;留空则不发送。按回车生效。</translation>
    </message>
    <message>
        <source>Most clients at once; the next one is told &quot;server full&quot; and closed</source>
        <translation>同时连接的最大客户端数;超出的客户端会收到 &quot;server full&quot; 并被关闭</translation>
    </message>
    <message>
        <source>Longest message; a client that sends a longer one is dropped</source>
        <translation>单条消息的最大长度;发送更长消息的客户端会被断开</translation>
    </message>
    <message>
        <source>Most unsent bytes per client; a client that reads slower is dropped as too slow</source>
        <translation>每个客户端最多积压的未发送字节数;读取过慢的客户端会被断开</translation>
    </message>
    <message>
        <source>Quiet time after which a line without an ending counts as a message; 0: at once</source>
        <translation>没有行尾的数据在静默多久后视为一条消息;0 表示立即</translation>
    </message>
    <message>
        <source>Most connections from one address; the next one is refused. 0: no limit</source>
        <translation>同一地址最多的连接数;超出的连接会被拒绝。0 表示不限</translation>
    </message>
    <message>
        <source>everyone</source>
        <translation>所有人</translation>
    </message>
    <message>
        <source>Admit only clients from these subnets, e.g. 192.168.1.0/24, ::1; empty admits everyone. Enter applies.</source>
        <translation>只允许来自这些子网的客户端,例如 192.168.1.0/24, ::1;留空则允许所有人。按回车生效。</translation>
    </message>
    <message>
        <source>&amp;Welcome:</source>
        <translation>欢迎语(&amp;W):</translation>
    </message>
    <message>
        <source>Max &amp;clients:</source>
        <translation>最大客户端数(&amp;C):</translation>
    </message>
    <message>
        <source>Max &amp;message:</source>
        <translation>最大消息长度(&amp;M):</translation>
    </message>
    <message>
        <source>Max bac&amp;klog:</source>
        <translation>最大积压(&amp;K):</translation>
    </message>
    <message>
        <source>&amp;Flush after:</source>
        <translation>静默刷新(&amp;F):</translation>
    </message>
    <message>
        <source>Max per &amp;address:</source>
        <translation>单地址上限(&amp;A):</translation>
    </message>
    <message>
        <source>Max &amp;TLS handshakes:</source>
        <translation>最多 TLS 握手数(&amp;T):</translation>
    </message>
    <message>
        <source>With TLS: most handshakes in progress at once; later clients wait their turn</source>
        <translation>TLS:同时进行的握手数上限;之后的客户端排队等待</translation>
    </message>
    <message>
        <source>Allow &amp;only:</source>
        <translation>仅允许(&amp;O):</translation>
    </message>
    <message>
        <source>Not a subnet list: %1. Use addresses or subnets such as 192.168.1.0/24, separated by commas.</source>
        <translation>不是有效的子网列表:%1。请使用地址或子网(如 192.168.1.0/24),以逗号分隔。</translation>
    </message>
    <message>
        <source>none: the welcome text</source>
        <translation>无:发送欢迎文本</translation>
    </message>
    <message>
        <source>Exact bytes in hexadecimal, such as 01 00 02, sent to each client when it connects instead of the welcome text, in any framing; empty sends the welcome text. Enter applies.</source>
        <translation>十六进制的确切字节,例如 01 00 02,在每个客户端连接时代替欢迎文本发送,适用于任何分帧方式;留空则发送欢迎文本。按回车生效。</translation>
    </message>
    <message>
        <source>Framin&amp;g:</source>
        <translation>分帧(&amp;G):</translation>
    </message>
    <message>
        <source>Welcome &amp;bytes (hex):</source>
        <translation>欢迎字节(十六进制)(&amp;B):</translation>
    </message>
    <message>
        <source>Framing not applied: %1</source>
        <translation>分帧设置未生效:%1</translation>
    </message>
    <message>
        <source>Not hexadecimal bytes: %1</source>
        <translation>不是十六进制字节:%1</translation>
    </message>
</context>
<context>
    <name>ServerWindow</name>
    <message>
        <source>The TCP port to listen on; 0 lets the system pick a free one</source>
        <translation>监听的 TCP 端口;0 表示由系统选择空闲端口</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>Start or stop listening (F5)</source>
        <translation>开始或停止监听 (F5)</translation>
    </message>
    <message>
        <source>Where the server listens, or why it cannot</source>
        <translation>服务器的监听位置,或无法监听的原因</translation>
    </message>
    <message>
        <source>&amp;Bind:</source>
        <translation>绑定(&amp;B):</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P):</translation>
    </message>
    <message>
        <source>Connected clients</source>
        <translation>已连接的客户端</translation>
    </message>
    <message>
        <source>Every connected client; select one or several (Ctrl, Shift) to send to them or drop them</source>
        <translation>所有已连接的客户端;可选中一个或多个(Ctrl、Shift)向其发送消息或断开</translation>
    </message>
    <message>
        <source>Reason (optional)</source>
        <translation>原因(可选)</translation>
    </message>
    <message>
        <source>Why the selected clients are dropped; the log shows it</source>
        <translation>断开所选客户端的原因,会记录在日志中</translation>
    </message>
    <message>
        <source>&amp;Drop selected</source>
        <translation>断开所选(&amp;D)</translation>
    </message>
    <message>
        <source>Close the connection of every selected client (Del)</source>
        <translation>关闭所有选中客户端的连接 (Del)</translation>
    </message>
    <message>
        <source>Server settings</source>
        <translation>服务器设置</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>To all clients</source>
        <translation>发给全部客户端</translation>
    </message>
    <message>
        <source>To selected clients</source>
        <translation>发给所选客户端</translation>
    </message>
    <message>
        <source>Send to every client, or only to the clients selected in the table</source>
        <translation>发给所有客户端,或只发给表格中选中的客户端</translation>
    </message>
    <message>
        <source>Message; Enter sends</source>
        <translation>输入消息,按回车发送</translation>
    </message>
    <message>
        <source>A line to send; a line feed is added. Enter sends.</source>
        <translation>要发送的一行内容,末尾自动加换行符。按回车发送。</translation>
    </message>
    <message>
        <source>He&amp;x</source>
        <translation>十六进制(&amp;X)</translation>
    </message>
    <message>
        <source>Read the line as hexadecimal bytes, e.g. 48 65 6c 6c 6f</source>
        <translation>按十六进制字节解析输入,例如 48 65 6c 6c 6f</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>发送(&amp;S)</translation>
    </message>
    <message>
        <source>Send the line (Enter)</source>
        <translation>发送这一行(回车)</translation>
    </message>
    <message>
        <source>Listening state</source>
        <translation>监听状态</translation>
    </message>
    <message>
        <source>Clients connected now</source>
        <translation>当前连接的客户端数</translation>
    </message>
    <message>
        <source>Messages per second received and sent, over the last second</source>
        <translation>最近一秒每秒收到和发出的消息数</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>New &amp;client window</source>
        <translation>新建客户端窗口(&amp;C)</translation>
    </message>
    <message>
        <source>Open a client window connected to this server</source>
        <translation>打开一个连接到本服务器的客户端窗口</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>F&amp;ollow the newest line</source>
        <translation>跟随最新一行(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>服务器(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Start listening</source>
        <translation>开始监听(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Drop selected clients</source>
        <translation>断开所选客户端(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>About SpreadSite</source>
        <translation>关于 SpreadSite</translation>
    </message>
    <message>
        <source>&lt;h3&gt;SpreadSite server %1&lt;/h3&gt;&lt;p&gt;A broadcast TCP chat server: it greets each client with its number, relays every line to the other clients and drops a client that sends &quot;close&quot;.&lt;/p&gt;&lt;p&gt;The same server runs in a console with &lt;tt&gt;--headless&lt;/tt&gt;.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;SpreadSite 服务器 %1&lt;/h3&gt;&lt;p&gt;TCP 广播聊天服务器:向每个客户端发送带编号的欢迎语,把每一行转发给其他客户端,并断开发送 &quot;close&quot; 的客户端。&lt;/p&gt;&lt;p&gt;加上 &lt;tt&gt;--headless&lt;/tt&gt; 即可在控制台中运行同一个服务器。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>any  (all interfaces, IPv4 and IPv6)</source>
        <translation>any  (所有接口,IPv4 和 IPv6)</translation>
    </message>
    <message>
        <source>0.0.0.0  (all IPv4 interfaces)</source>
        <translation>0.0.0.0  (所有 IPv4 接口)</translation>
    </message>
    <message>
        <source>::  (all IPv6 interfaces)</source>
        <translation>::  (所有 IPv6 接口)</translation>
    </message>
    <message>
        <source>Relaying messages to the other clients</source>
        <translation>正在将消息转发给其他客户端</translation>
    </message>
    <message>
        <source>Monitor only: messages are not relayed</source>
        <translation>仅监听:不转发消息</translation>
    </message>
    <message>
        <source>%1 clients</source>
        <translation>%1 个客户端</translation>
    </message>
    <message>
        <source>Not an address: %1. Use an IP address, &quot;any&quot; or &quot;localhost&quot;.</source>
        <translation>不是有效地址:%1。请使用 IP 地址、&quot;any&quot; 或 &quot;localhost&quot;。</translation>
    </message>
    <message>
        <source>Cannot listen on %1 port %2: %3</source>
        <translation>无法在 %1 端口 %2 上监听:%3</translation>
    </message>
    <message>
        <source>cannot listen on %1 port %2: %3</source>
        <translation>无法在 %1 端口 %2 上监听:%3</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>&amp;Stop listening</source>
        <translation>停止监听(&amp;S)</translation>
    </message>
    <message>
        <source>Listening on %1 port %2</source>
        <translation>正在监听 %1 端口 %2</translation>
    </message>
    <message>
        <source>SpreadSite server — port %1</source>
        <translation>SpreadSite 服务器 — 端口 %1</translation>
    </message>
    <message>
        <source>Stopping: closing every client…</source>
        <translation>正在停止:关闭所有客户端…</translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation>未监听</translation>
    </message>
    <message>
        <source>SpreadSite server</source>
        <translation>SpreadSite 服务器</translation>
    </message>
    <message>
        <source>To selected clients (%1)</source>
        <translation>发给所选客户端(%1)</translation>
    </message>
    <message>
        <source>Nothing to send: type a message first</source>
        <translation>没有可发送的内容:请先输入消息</translation>
    </message>
    <message>
        <source>A message cannot contain a line feed; it ends the message</source>
        <translation>消息中不能包含换行符(换行符表示消息结束)</translation>
    </message>
    <message>
        <source>No clients to send to: start the server first</source>
        <translation>没有可发送的客户端:请先启动服务器</translation>
    </message>
    <message>
        <source>Sent to %1 clients</source>
        <translation>已发给 %1 个客户端</translation>
    </message>
    <message>
        <source>Select one or more clients in the table first</source>
        <translation>请先在表格中选中一个或多个客户端</translation>
    </message>
    <message>
        <source>Sent to %1 of %2 selected clients</source>
        <translation>已发给所选 %2 个客户端中的 %1 个</translation>
    </message>
    <message>
        <source>Dropped %1 clients</source>
        <translation>已断开 %1 个客户端</translation>
    </message>
    <message>
        <source>in %1 msg/s, out %2 msg/s</source>
        <translation>收 %1 条/秒,发 %2 条/秒</translation>
    </message>
    <message>
        <source>Select every client</source>
        <translation>选中所有客户端</translation>
    </message>
    <message>
        <source>Traffic, last minute (↓ in, ↑ out)</source>
        <translation>流量,最近一分钟(↓ 收,↑ 发)</translation>
    </message>
    <message>
        <source>Cannot open the log file %1: %2</source>
        <translation>无法打开日志文件 %1:%2</translation>
    </message>
    <message>
        <source>Listening on %1 port %2 (TLS)</source>
        <translation>正在监听 %1 端口 %2(TLS)</translation>
    </message>
    <message>
        <source>The address to listen on: &quot;any&quot; for every interface (reachable from the network), 127.0.0.1 for this machine only, or one of this machine&apos;s addresses</source>
        <translation>监听的地址:&quot;any&quot; 表示所有网络接口(网络上的设备都能连入),127.0.0.1 仅限本机,或选本机的某个地址</translation>
    </message>
    <message>
        <source> — reachable from the network; bind 127.0.0.1 to keep it to this machine</source>
        <translation> — 网络上可以连入;绑定 127.0.0.1 则仅限本机</translation>
    </message>
    <message>
        <source>The cluster bridge: its state, and what waits in its reconnect buffer</source>
        <translation>集群桥接：其状态，以及重连缓冲区中等待发送的数据</translation>
    </message>
    <message>
        <source>&amp;Join cluster</source>
        <translation>加入集群(&amp;J)</translation>
    </message>
    <message>
        <source>Cluster</source>
        <translation>集群</translation>
    </message>
    <message>
        <source>Cluster: %1</source>
        <translation>集群：%1</translation>
    </message>
    <message>
        <source>Cannot join the cluster: %1</source>
        <translation>无法加入集群：%1</translation>
    </message>
    <message>
        <source>&amp;Leave cluster</source>
        <translation>离开集群(&amp;L)</translation>
    </message>
    <message>
        <source>Cluster: %1, %2 servers</source>
        <translation>集群：%1，%2 台服务器</translation>
    </message>
    <message>
        <source>, %1 buffered</source>
        <translation>，缓冲 %1</translation>
    </message>
    <message>
        <source>Find clients: #id, address, subnet (10.0.3.0/24) or text</source>
        <translation>查找客户端:#编号、地址、子网(10.0.3.0/24)或文字</translation>
    </message>
    <message>
        <source>Shows only the clients that match: #12 is client 12; an address or a subnet such as 10.0.3.0/24 the clients from there; other text is looked for in the address and the last message</source>
        <translation>只显示匹配的客户端:#12 即 12 号客户端;地址或子网(如 10.0.3.0/24)即来自该处的客户端;其他文字在地址和最后一条消息中查找</translation>
    </message>
    <message>
        <source>Se&amp;lect all shown</source>
        <translation>全选显示的(&amp;L)</translation>
    </message>
    <message>
        <source>Select exactly the clients the table shows, to send to them or drop them</source>
        <translation>只选中表格显示的客户端,以便向其发送或断开</translation>
    </message>
    <message>
        <source>1 client</source>
        <translation>1 个客户端</translation>
    </message>
    <message>
        <source>%1 of %2 shown</source>
        <translation>%2中显示 %1 个</translation>
    </message>
    <message>
        <source>%1 selected hidden</source>
        <translation>%1 个已选但被隐藏</translation>
    </message>
    <message>
        <source>Click to sort; right-click to choose the columns</source>
        <translation>单击排序;右键选择显示的列</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Saved messages</source>
        <translation>已保存消息</translation>
    </message>
    <message>
        <source>Send sa&amp;ved message</source>
        <translation>发送已保存消息(&amp;V)</translation>
    </message>
    <message>
        <source>Capture</source>
        <translation>抓包</translation>
    </message>
    <message>
        <source>&amp;Capture traffic…</source>
        <translation>抓取流量(&amp;C)…</translation>
    </message>
    <message>
        <source>Capture traffic to</source>
        <translation>将流量抓取到</translation>
    </message>
    <message>
        <source>pcapng (*.pcapng)</source>
        <translation>pcapng (*.pcapng)</translation>
    </message>
    <message>
        <source>pcap (*.pcap)</source>
        <translation>pcap (*.pcap)</translation>
    </message>
    <message>
        <source>Cannot write the capture file %1: %2</source>
        <translation>无法写入抓包文件 %1:%2</translation>
    </message>
    <message>
        <source>Capture: %1 frames not captured so far: the disk does not keep up with the traffic</source>
        <translation>抓包:目前有 %1 个帧未抓取:磁盘跟不上流量</translation>
    </message>
    <message>
        <source>Capture stopped: %1 in %2</source>
        <translation>抓包已停止:%2 中共 %1</translation>
    </message>
    <message>
        <source>Stop &amp;capture</source>
        <translation>停止抓包(&amp;C)</translation>
    </message>
    <message>
        <source>Capturing every client&apos;s traffic to %1; click to stop (F7)</source>
        <translation>正在把每个客户端的流量抓取到 %1;点击停止 (F7)</translation>
    </message>
    <message>
        <source>Capturing to %1 · %2</source>
        <translation>正在抓包到 %1 · %2</translation>
    </message>
    <message>
        <source>Every client&apos;s traffic goes to %1 (%2)</source>
        <translation>每个客户端的流量都写入 %1 (%2)</translation>
    </message>
    <message>
        <source>Capturing to %1</source>
        <translation>正在抓包到 %1</translation>
    </message>
    <message>
        <source>Capture the traffic of every client, both directions, to a pcapng or pcap file Wireshark opens (F7)</source>
        <translation>抓取每个客户端双向的流量,存为 Wireshark 能打开的 pcapng 或 pcap 文件 (F7)</translation>
    </message>
</context>
<context>
    <name>TlsFiles</name>
    <message>
        <source>TLS is not available: no TLS backend</source>
        <translation>TLS 不可用：没有 TLS 后端</translation>
    </message>
    <message>
        <source>a client certificate needs both --tls-cert and --tls-key</source>
        <translation>客户端证书需要同时指定 --tls-cert 和 --tls-key</translation>
    </message>
</context>
<context>
    <name>TrafficGraph</name>
    <message>
        <source>The last minute, one point a second.
Clients: %1
Messages/s: %2 in, %3 out
Bytes/s: %4 in, %5 out</source>
        <translation>最近一分钟,每秒一个点。
客户端:%1
消息/秒:收 %2,发 %3
字节/秒:收 %4,发 %5</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>客户端</translation>
    </message>
    <message>
        <source>Msgs/s</source>
        <translation>消息/秒</translation>
    </message>
    <message>
        <source>Bytes/s</source>
        <translation>字节/秒</translation>
    </message>
</context>
<context>
    <name>UiText</name>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
    <message>
        <source>%1 min ago</source>
        <translation>%1 分钟前</translation>
    </message>
    <message>
        <source>%1 h ago</source>
        <translation>%1 小时前</translation>
    </message>
    <message>
        <source>This build has no NATS support: libnats was not found when it was built</source>
        <translation>此版本不支持 NATS：构建时未找到 libnats</translation>
    </message>
    <message>
        <source>Not sent: a frame is %1 bytes, this message is %2</source>
        <translation>未发送:每帧 %1 字节,这条消息 %2 字节</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>未发送:%1</translation>
    </message>
</context>
</TS>
