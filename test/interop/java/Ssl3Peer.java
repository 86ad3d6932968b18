/*
 * An SSL 3.0 peer on JSSE (OpenJDK's SunJSSE or Bouncy Castle's BCJSSE) for the interop tests
 * in test/interop/jsse*.test.ts and bc*.test.ts. One program, two modes:
 *
 *   java Ssl3Peer server --port 0 --keystore id.p12 [--trust-pem ca.pem] [--client-auth need] [--client-order]
 *   java Ssl3Peer client --port N [--keystore id.p12] --trust-pem server.pem [--per-suite] [--connections 2]
 *
 * Common options: --provider SunJSSE|BCJSSE, --protocols SSLv3[,TLSv1,...], --suites A,B,...
 * (JSSE names), --storepass (default changeit), --host (default 127.0.0.1), --timeout-ms,
 * --lifetime-ms (the process exits after that long, whatever happens). The client verifies
 * the server's host name (HTTPS endpoint identification) unless given --no-endpoint-id. A
 * server chooses the first of its --suites the client offers (SunJSSE's default); with
 * --client-order, the first of the client's it has.
 *
 * It prints one machine-readable line per fact, tagged with the connection number n (1, 2, ...):
 *   LISTENING <port>                  server: ready
 *   HANDSHAKE n OK                    the handshake completed
 *   PROTOCOL n SSLv3 / SUITE n <name> / SESSION n <hex id or -> / PEER n <subject DN or ->
 *   RESUMED n true|false              client: same non-empty session id as connection n-1;
 *                                     server: a session id seen on an earlier connection
 *   REQUEST n <first request line>    server
 *   BODY n <response, CR LF escaped>  client
 *   ERROR n <exception chain>         the connection failed
 *   DONE                              client: all connections tried
 *
 * SSL 3.0 is disabled in OpenJDK 17 by security policy, not by code: the algorithm lists below
 * are cleared before any JSSE class loads (BCJSSE reads the same properties). Resuming an
 * SSL 3.0 session needs -Djdk.tls.useExtendedMasterSecret=false on the command line for a
 * SunJSSE server ("abort session resumption, missing Extended Master Secret extension"), and
 * for a SunJSSE client without endpoint identification; a BCJSSE client needs
 * -Djdk.tls.allowLegacyResumption=true, and a BCJSSE 1.72 server never resumes one. The tests
 * pass these where they resume.
 *
 * Run it as a single source file (java [-cp bc jars] Ssl3Peer.java ...), or compiled once
 * (javac -d DIR Ssl3Peer.java; java -cp DIR[:bc jars] Ssl3Peer ...) as the tests do.
 */
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

public final class Ssl3Peer {
  private static final Map<String, String> OPTIONS = new HashMap<>();
  private static final Set<String> FLAGS = Set.of("per-suite", "no-endpoint-id", "client-order");

  public static void main(String[] args) throws Exception {
    // Must run before any JSSE class is loaded: both lists are read once, at class init.
    // OpenJDK 17 lists SSLv3, RC4, DES and 3DES_EDE_CBC in jdk.tls.disabledAlgorithms, and
    // RC4, DES and 3DES_EDE_CBC again in jdk.tls.legacyAlgorithms (which would only demote them).
    Security.setProperty("jdk.tls.disabledAlgorithms", "");
    Security.setProperty("jdk.tls.legacyAlgorithms", "");

    if (args.length == 0) usage("no mode");
    String mode = args[0];
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--")) usage("unexpected argument " + args[i]);
      String name = args[i].substring(2);
      if (FLAGS.contains(name)) OPTIONS.put(name, "true");
      else if (i + 1 < args.length) OPTIONS.put(name, args[++i]);
      else usage("--" + name + " needs a value");
    }
    // Never outlive the test that started us, even if it forgets to kill us.
    long lifetime = Long.parseLong(opt("lifetime-ms", "120000"));
    Thread reaper = new Thread(() -> {
      try {
        Thread.sleep(lifetime);
      } catch (InterruptedException e) {
        return;
      }
      out("EXIT lifetime of " + lifetime + " ms reached");
      System.exit(3);
    });
    reaper.setDaemon(true);
    reaper.start();

    SSLContext context = context();
    if (mode.equals("server")) server(context);
    else if (mode.equals("client")) client(context);
    else usage("unknown mode " + mode);
  }

  private static void usage(String why) {
    System.err.println("Ssl3Peer: " + why + "\nusage: Ssl3Peer server|client --port N [--provider SunJSSE|BCJSSE] [--protocols SSLv3] [--suites A,B] "
        + "[--keystore FILE.p12] [--storepass P] [--trust-pem FILE] [--client-auth none|want|need] [--client-order] [--per-suite] [--connections N]");
    System.exit(2);
  }

  private static String opt(String name, String fallback) {
    return OPTIONS.getOrDefault(name, fallback);
  }

  private static String[] list(String name, String fallback) {
    String v = opt(name, fallback);
    return v.isEmpty() ? new String[0] : v.split(",");
  }

  private static synchronized void out(String line) {
    System.out.println(line);
    System.out.flush();
  }

  // --- keys, trust and the provider ---------------------------------------------------------

  private static SSLContext context() throws Exception {
    String provider = opt("provider", "SunJSSE");
    String kmfAlgorithm = KeyManagerFactory.getDefaultAlgorithm();
    String tmfAlgorithm = TrustManagerFactory.getDefaultAlgorithm();
    if (provider.equals("BCJSSE")) {
      // By reflection, so that SunJSSE runs need no Bouncy Castle jars to compile or start.
      Provider bc = (Provider) Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider").getDeclaredConstructor().newInstance();
      Security.addProvider(bc);
      Provider jsse = (Provider) Class.forName("org.bouncycastle.jsse.provider.BouncyCastleJsseProvider")
          .getDeclaredConstructor(Provider.class).newInstance(bc);
      Security.addProvider(jsse);
      kmfAlgorithm = "PKIX";
      tmfAlgorithm = "PKIX";
    } else if (!provider.equals("SunJSSE")) {
      usage("unknown provider " + provider);
    }
    KeyManager[] keyManagers = null;
    String keystore = opt("keystore", "");
    char[] password = opt("storepass", "changeit").toCharArray();
    if (!keystore.isEmpty()) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = new FileInputStream(keystore)) {
        ks.load(in, password);
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(kmfAlgorithm, provider);
      kmf.init(ks, password);
      keyManagers = kmf.getKeyManagers();
    }
    TrustManager[] trustManagers = null;
    String trustPem = opt("trust-pem", "");
    if (!trustPem.isEmpty()) {
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      int i = 0;
      for (String file : trustPem.split(",")) {
        try (InputStream in = new FileInputStream(file)) {
          for (Certificate c : cf.generateCertificates(in)) ts.setCertificateEntry("trusted-" + i++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(tmfAlgorithm, provider);
      tmf.init(ts);
      trustManagers = tmf.getTrustManagers();
    }
    SSLContext context = SSLContext.getInstance("TLS", provider);
    context.init(keyManagers, trustManagers, null);
    return context;
  }

  // --- reporting ----------------------------------------------------------------------------

  private static String hex(byte[] b) {
    return b == null || b.length == 0 ? "-" : HexFormat.of().formatHex(b);
  }

  private static void report(int n, SSLSocket socket, boolean resumed) {
    SSLSession session = socket.getSession();
    out("HANDSHAKE " + n + " OK");
    out("PROTOCOL " + n + " " + session.getProtocol());
    out("SUITE " + n + " " + session.getCipherSuite());
    out("SESSION " + n + " " + hex(session.getId()));
    String peer;
    try {
      peer = session.getPeerPrincipal().getName();
    } catch (SSLPeerUnverifiedException e) {
      peer = "-";
    }
    out("PEER " + n + " " + peer);
    out("RESUMED " + n + " " + resumed);
  }

  private static String describe(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (b.length() > 0) b.append(" <- ");
      b.append(t.getClass().getName()).append(": ").append(t.getMessage());
      if (t.getCause() == t) break;
    }
    return b.toString().replace('\n', ' ');
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n");
  }

  private static void configure(SSLSocket socket, String[] suites) {
    socket.setEnabledProtocols(list("protocols", "SSLv3"));
    if (suites.length > 0) socket.setEnabledCipherSuites(suites);
    // As an HTTPS client would: the server certificate must name the host (here its IP SAN).
    // This also matters for resumption: without endpoint identification (and without extended
    // master secret, which SSL 3.0 cannot have) SunJSSE refuses to resume, fearing a server
    // certificate change (the triple handshake attack); see --no-endpoint-id.
    if (!OPTIONS.containsKey("no-endpoint-id")) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
    }
  }

  // --- server -------------------------------------------------------------------------------

  private static final Set<String> SEEN_SESSIONS = new HashSet<>();

  private static void server(SSLContext context) throws Exception {
    int timeout = Integer.parseInt(opt("timeout-ms", "10000"));
    SSLServerSocket listener = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(Integer.parseInt(opt("port", "0")), 50, InetAddress.getByName(opt("host", "127.0.0.1")));
    listener.setEnabledProtocols(list("protocols", "SSLv3"));
    String[] suites = list("suites", "");
    if (suites.length > 0) listener.setEnabledCipherSuites(suites);
    if (OPTIONS.containsKey("client-order")) {
      SSLParameters parameters = listener.getSSLParameters();
      parameters.setUseCipherSuitesOrder(false);
      listener.setSSLParameters(parameters);
    }
    switch (opt("client-auth", "none")) {
      case "need" -> listener.setNeedClientAuth(true);
      case "want" -> listener.setWantClientAuth(true);
      case "none" -> { }
      default -> usage("bad --client-auth");
    }
    out("LISTENING " + listener.getLocalPort());
    // Closing our stdin (or killing us) ends the server.
    Thread stdin = new Thread(() -> {
      try {
        while (System.in.read() >= 0) { }
      } catch (Exception e) {
        // treat as EOF
      }
      System.exit(0);
    });
    stdin.setDaemon(true);
    stdin.start();
    for (int n = 1; ; n++) {
      SSLSocket socket = (SSLSocket) listener.accept();
      int id = n;
      Thread t = new Thread(() -> serve(socket, id, timeout));
      t.setDaemon(true);
      t.start();
    }
  }

  private static void serve(SSLSocket socket, int n, int timeout) {
    try (socket) {
      socket.setSoTimeout(timeout);
      socket.startHandshake();
      String id = hex(socket.getSession().getId());
      boolean resumed;
      synchronized (SEEN_SESSIONS) {
        resumed = !id.equals("-") && !SEEN_SESSIONS.add(id);
      }
      report(n, socket, resumed);
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      while (request.size() < 65536) {
        int c = in.read();
        if (c < 0) break;
        request.write(c);
        if (request.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) break;
      }
      String text = request.toString(StandardCharsets.ISO_8859_1);
      int eol = text.indexOf("\r\n");
      out("REQUEST " + n + " " + escape(eol < 0 ? text : text.substring(0, eol)));
      String body = "hello from " + opt("provider", "SunJSSE") + " over " + socket.getSession().getCipherSuite() + "\n";
      OutputStream o = socket.getOutputStream();
      o.write(("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
      o.flush();
    } catch (Exception e) {
      out("ERROR " + n + " " + describe(e));
    }
  }

  // --- client -------------------------------------------------------------------------------

  private static void client(SSLContext context) throws Exception {
    String host = opt("host", "127.0.0.1");
    int port = Integer.parseInt(opt("port", "0"));
    int timeout = Integer.parseInt(opt("timeout-ms", "10000"));
    String[] suites = list("suites", "");
    List<String[]> plan = new ArrayList<>();
    if (OPTIONS.containsKey("per-suite")) {
      for (String s : suites) plan.add(new String[] {s});
    } else {
      int count = Integer.parseInt(opt("connections", "1"));
      for (int i = 0; i < count; i++) plan.add(suites);
    }
    byte[] previous = null;
    int n = 0;
    for (String[] enabled : plan) {
      n++;
      // One SSLContext for all connections: its client session cache offers the last session
      // for host:port again, which is how JSSE resumes.
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port)) {
        socket.setSoTimeout(timeout);
        configure(socket, enabled);
        socket.startHandshake();
        byte[] id = socket.getSession().getId();
        report(n, socket, previous != null && id != null && id.length > 0 && Arrays.equals(id, previous));
        previous = id;
        OutputStream o = socket.getOutputStream();
        o.write(("GET /" + n + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        o.flush();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        for (int r; (r = in.read(buf)) >= 0; ) response.write(buf, 0, r);
        out("BODY " + n + " " + escape(response.toString(StandardCharsets.ISO_8859_1)));
      } catch (Exception e) {
        out("ERROR " + n + " " + describe(e));
      }
    }
    out("DONE");
    System.exit(0);
  }
}
