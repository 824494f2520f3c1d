package dev.tracefold.console;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.ServerCacheControl;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.file.HttpFile;
import dev.tracefold.service.HttpRoutes;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the browser console (the Vite bundle packed into this module's jar under {@value #BUNDLE})
 * at {@code /}: {@code index.html} for {@code /} and every page path of the console ({@link
 * #PAGE_PREFIXES}; the console routes in the browser), hashed assets under {@code /assets/}.
 *
 * <p>Headers: assets are cached for a year ({@code immutable}: their names change with their
 * content); {@code index.html} is revalidated on every load, so a new release is picked up at once.
 * Every answer carries {@link #CONTENT_SECURITY_POLICY} (scripts from this origin only: a span text
 * that holds markup can never run, on top of React rendering it as text), {@code
 * X-Content-Type-Options: nosniff} and {@code Referrer-Policy: no-referrer}.
 *
 * <p>The pages and assets hold no data, so they are served without an API key ({@link
 * #isOpen(String)}); the console asks the API with the key a person signs in with. When the jar was
 * built without the bundle (an IDE build that skipped npm), nothing is served and a warning is
 * logged.
 */
public final class WebConsole implements HttpRoutes {
  /** Class path folder of the bundle: {@code vite.config.ts} builds into it. */
  static final String BUNDLE = "dev/tracefold/console/bundle";

  /**
   * Top-level paths of the console's pages (and everything below them), answered with {@code
   * index.html}: the router of {@code src/App.tsx} decides there. Must list every page of it.
   */
  public static final List<String> PAGE_PREFIXES =
      List.of(
          "/traces", "/sessions", "/compare", "/rules", "/queues", "/sets", "/upload", "/sign-in");

  /**
   * Only this origin's scripts, styles, images and API; inline styles are allowed for the layout
   * values React and the code view set (widths, bar positions), never inline scripts.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
          + " img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none';"
          + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  /** {@code Cache-Control} of hashed assets. */
  static final String ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable";

  private static final Logger log = LoggerFactory.getLogger(WebConsole.class);

  private final ClassLoader classLoader;

  /** The console of this module's jar. */
  public WebConsole() {
    this(WebConsole.class.getClassLoader());
  }

  WebConsole(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  /** Whether the bundle is on the class path (the jar was built by Maven, with npm). */
  public boolean isBuilt() {
    return classLoader.getResource(BUNDLE + "/index.html") != null;
  }

  @Override
  public void addTo(ServerBuilder server) {
    if (!isBuilt()) {
      log.warn(
          "The web console's bundle ({}) is not on the class path; build web-console with Maven"
              + " (npm ci, npm run build) to serve it",
          BUNDLE);
      return;
    }
    HttpService index =
        HttpFile.builder(classLoader, BUNDLE + "/index.html")
            .cacheControl(ServerCacheControl.REVALIDATED)
            .build()
            .asService()
            .decorate(securityHeaders());
    server.route().methods(HttpMethod.GET, HttpMethod.HEAD).path("/").build(index);
    for (String prefix : PAGE_PREFIXES) {
      server.route().methods(HttpMethod.GET, HttpMethod.HEAD).path(prefix).build(index);
      server.route().methods(HttpMethod.GET, HttpMethod.HEAD).pathPrefix(prefix + "/").build(index);
    }
    FileService assets =
        FileService.builder(classLoader, BUNDLE + "/assets")
            .cacheControl(ASSET_CACHE_CONTROL)
            .build();
    server.serviceUnder("/assets/", assets.decorate(securityHeaders()));
  }

  @Override
  public boolean isOpen(String path) {
    if (path.equals("/") || path.startsWith("/assets/")) {
      return true;
    }
    for (String prefix : PAGE_PREFIXES) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return true;
      }
    }
    return false;
  }

  private static DecoratingHttpServiceFunction securityHeaders() {
    return (delegate, ctx, req) -> {
      ctx.addAdditionalResponseHeader("content-security-policy", CONTENT_SECURITY_POLICY);
      ctx.addAdditionalResponseHeader(HttpHeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
      ctx.addAdditionalResponseHeader("referrer-policy", "no-referrer");
      return delegate.serve(ctx, req);
    };
  }
}
