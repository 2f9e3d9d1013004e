package ru.otus.contract.engine;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.digest._apacheCommonsCodec.Base64;
import org.camunda.bpm.engine.rest.security.auth.AuthenticationResult;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;

/**
 * HTTP Basic as Camunda does it, except that a request which came through a proxy (it carries
 * {@code X-Forwarded-For}, as the gateway and ingress-nginx always set) may not use a service's
 * account. It is refused before its password is checked: a wrong one would delay that account's
 * next login (Camunda's throttle) and stall the service's worker. The name is decoded with the
 * same lenient decoder as Camunda's own provider, so no spelling of it gets past.
 */
public class InsideOnlyServiceAccounts extends HttpBasicAuthenticationProvider {

  @Override
  public AuthenticationResult extractAuthenticatedUser(HttpServletRequest request, ProcessEngine engine) {
    if (request.getHeader("X-Forwarded-For") != null && isServiceAccount(basicUserName(request))) {
      return AuthenticationResult.unsuccessful();
    }
    return super.extractAuthenticatedUser(request, engine);
  }

  static boolean isServiceAccount(String userName) {
    return userName != null && userName.toLowerCase(Locale.ROOT).endsWith("service");
  }

  private static String basicUserName(HttpServletRequest request) {
    String header = request.getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) return null;
    String decoded = new String(Base64.decodeBase64(header.substring(6)), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    return colon < 0 ? decoded : decoded.substring(0, colon);
  }
}
