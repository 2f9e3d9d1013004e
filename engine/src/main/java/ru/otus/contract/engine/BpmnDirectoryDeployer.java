package ru.otus.contract.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.DeploymentWithDefinitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Deploys every {@code *.bpmn} file of {@code ENGINE_BPMN_DIR} as one deployment with duplicate
 * filtering: a restart without changed files creates no new deployment and no new version.
 * Runs once all beans exist, i.e. before the web server accepts requests.
 */
@Component
public class BpmnDirectoryDeployer implements SmartInitializingSingleton {

  private static final Logger LOG = LoggerFactory.getLogger(BpmnDirectoryDeployer.class);

  private final RepositoryService repositoryService;
  private final Path bpmnDir;
  private final String deploymentName;

  public BpmnDirectoryDeployer(RepositoryService repositoryService,
                               @Value("${engine.bpmn-dir}") String bpmnDir,
                               @Value("${engine.deployment-name}") String deploymentName) {
    this.repositoryService = repositoryService;
    this.bpmnDir = Path.of(bpmnDir).toAbsolutePath().normalize();
    this.deploymentName = deploymentName;
  }

  @Override
  public void afterSingletonsInstantiated() {
    if (!Files.isDirectory(bpmnDir)) {
      throw new EngineConfigurationException(
          "BPMN directory " + bpmnDir + " does not exist.",
          "Set ENGINE_BPMN_DIR to the directory that holds the *.bpmn files (the repository's bpmn/).");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(bpmnDir)) {
      files = list.filter(p -> p.getFileName().toString().endsWith(".bpmn") && Files.isRegularFile(p))
          .sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot list " + bpmnDir, e);
    }
    if (files.isEmpty()) {
      LOG.warn("No *.bpmn files in {}: nothing deployed", bpmnDir);
      return;
    }

    DeploymentBuilder builder = repositoryService.createDeployment()
        .name(deploymentName)
        .source("ENGINE_BPMN_DIR")
        .enableDuplicateFiltering(true);
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        builder.addInputStream(file.getFileName().toString(), in);
      } catch (IOException e) {
        throw new IllegalStateException("Cannot read " + file, e);
      }
    }
    DeploymentWithDefinitions deployment = builder.deployWithResult();
    List<String> created = deployment.getDeployedProcessDefinitions() == null ? List.of()
        : deployment.getDeployedProcessDefinitions().stream().map(d -> d.getKey() + ":" + d.getVersion()).toList();
    if (created.isEmpty()) {
      LOG.info("Deployment '{}' from {} ({} files) unchanged: kept deployment {}",
          deploymentName, bpmnDir, files.size(), deployment.getId());
    } else {
      LOG.info("Deployment '{}' from {} ({} files): new deployment {}, process definitions {}",
          deploymentName, bpmnDir, files.size(), deployment.getId(), created);
    }
  }
}
