package ru.otus.contract.engine;

import static org.camunda.bpm.engine.authorization.Authorization.AUTH_TYPE_GRANT;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.AuthorizationQuery;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.ProcessDefinitionPermissions;
import org.camunda.bpm.engine.authorization.ProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.identity.Group;
import org.camunda.bpm.engine.identity.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * One engine user per service ({@code <service>Service}, password from {@code <SERVICE>_ENGINE_PASSWORD}),
 * all in the group {@code otusServices} (Camunda ids are letters and digits only), which may run the contract process and nothing else:
 * start and correlate, fetch and complete external tasks, read instances and their history.
 * No deployments, users, authorizations or system operations: those stay with the administrator.
 * Created on the first start; the password is set at every start, so a changed one applies.
 */
@Component
public class ServiceAccounts implements SmartInitializingSingleton {

  static final String GROUP = "otusServices";
  static final List<String> SERVICES = List.of("user", "contract", "course", "promo", "notification");

  private static final Logger LOG = LoggerFactory.getLogger(ServiceAccounts.class);

  /** What the services do through the REST API, as Camunda names the permissions it checks. */
  private static final Map<Resource, Permission[]> GRANTS = Map.of(
      Resources.PROCESS_DEFINITION, new Permission[] {
          ProcessDefinitionPermissions.READ, ProcessDefinitionPermissions.CREATE_INSTANCE,
          ProcessDefinitionPermissions.READ_INSTANCE, ProcessDefinitionPermissions.UPDATE_INSTANCE,
          ProcessDefinitionPermissions.READ_HISTORY},
      Resources.PROCESS_INSTANCE, new Permission[] {
          ProcessInstancePermissions.CREATE, ProcessInstancePermissions.READ, ProcessInstancePermissions.UPDATE});

  /**
   * Granted to one account only: the contract service erases an ended application's personal data,
   * its process history included (retention, or a request). No other service may delete history.
   */
  private static final Map<String, Map<Resource, Permission[]>> ACCOUNT_GRANTS = Map.of(
      "contract", Map.of(Resources.PROCESS_DEFINITION, new Permission[] {ProcessDefinitionPermissions.DELETE_HISTORY}));

  private final IdentityService identityService;
  private final AuthorizationService authorizationService;
  private final Map<String, String> passwords;

  public ServiceAccounts(IdentityService identityService, AuthorizationService authorizationService,
                         Environment env) {
    this.identityService = identityService;
    this.authorizationService = authorizationService;
    this.passwords = new TreeMap<>();
    for (String service : SERVICES) {
      passwords.put(userId(service), env.getProperty(passwordVariable(service)));
    }
  }

  static String userId(String service) {
    return service + "Service";
  }

  static String passwordVariable(String service) {
    return service.toUpperCase() + "_ENGINE_PASSWORD";
  }

  /**
   * Idempotent, and safe when several engine replicas start at once on one database: whatever a
   * replica finds made by another meanwhile is taken as it is. The password is set at every
   * start (not compared first: a failed comparison would delay the account's logins).
   */
  @Override
  public void afterSingletonsInstantiated() {
    racing("group " + GROUP, () -> {
      if (identityService.createGroupQuery().groupId(GROUP).singleResult() == null) {
        Group group = identityService.newGroup(GROUP);
        group.setName("OTUS Contract services");
        group.setType("SYSTEM");
        identityService.saveGroup(group);
      }
    });
    racing("authorizations of " + GROUP, this::grant);
    passwords.forEach((userId, password) -> racing("account " + userId, () -> {
      User user = identityService.createUserQuery().userId(userId).singleResult();
      if (user == null) {
        user = identityService.newUser(userId);
        user.setFirstName(userId);
        user.setLastName("service account");
        LOG.info("Creating engine service account {}", userId);
      }
      user.setPassword(password);
      identityService.saveUser(user);
      if (identityService.createUserQuery().userId(userId).memberOfGroup(GROUP).count() == 0) {
        identityService.createMembership(userId, GROUP);
      }
    }));
    // After the accounts exist: a user's authorization names the user.
    racing("authorizations of single accounts", this::grantAccounts);
  }

  /** Runs a step once more if another replica made the same thing at the same moment (a unique key). */
  private static void racing(String what, Runnable step) {
    try {
      step.run();
    } catch (ProcessEngineException e) {
      LOG.info("{}: made by another replica meanwhile ({}); checking again", what, e.getMessage());
      step.run();
    }
  }

  private void grant() {
    GRANTS.forEach((resource, permissions) -> save(resource, permissions, GROUP, null));
  }

  private void grantAccounts() {
    ACCOUNT_GRANTS.forEach((service, grants) ->
        grants.forEach((resource, permissions) -> save(resource, permissions, null, userId(service))));
  }

  /** The one grant on any resource of this type for the group or the user, made or brought up to these permissions. */
  private void save(Resource resource, Permission[] permissions, String groupId, String userId) {
    AuthorizationQuery query = authorizationService.createAuthorizationQuery()
        .resourceType(resource).resourceId(Authorization.ANY);
    Authorization existing = (groupId != null ? query.groupIdIn(groupId) : query.userIdIn(userId)).singleResult();
    Authorization authorization = existing != null ? existing : authorizationService.createNewAuthorization(AUTH_TYPE_GRANT);
    if (groupId != null) authorization.setGroupId(groupId);
    else authorization.setUserId(userId);
    authorization.setResource(resource);
    authorization.setResourceId(Authorization.ANY);
    authorization.setPermissions(permissions);
    authorizationService.saveAuthorization(authorization);
  }
}
