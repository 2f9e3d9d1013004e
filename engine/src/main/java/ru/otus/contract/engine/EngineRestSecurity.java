package ru.otus.contract.engine;

import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The engine's REST API authenticates every request itself, with HTTP Basic against the engine's
 * own users (the administrator, one account per service; the services' only from inside, see
 * InsideOnlyServiceAccounts), and Camunda authorization decides what each may do: the network in
 * front of the engine is not trusted. No cookie opens it, so a request a browser sends on its
 * own, cross-site, is refused.
 */
@Configuration
public class EngineRestSecurity {

  @Bean
  public FilterRegistrationBean<ProcessEngineAuthenticationFilter> engineRestAuthentication() {
    FilterRegistrationBean<ProcessEngineAuthenticationFilter> registration =
        new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
    registration.setName("engine-rest-authentication");
    registration.addInitParameter(ProcessEngineAuthenticationFilter.AUTHENTICATION_PROVIDER_PARAM,
        InsideOnlyServiceAccounts.class.getName());
    registration.addUrlPatterns("/engine-rest/*");
    return registration;
  }
}
