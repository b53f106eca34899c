import { Module } from '@nestjs/common';
import { AcquireTasksHandler } from './commands/acquire-tasks.command';
import { CompleteTasksHandler } from './commands/complete-tasks.command';
import { PauseJobHandler } from './commands/pause-job.command';
import { ResumeJobHandler } from './commands/resume-job.command';
import { RerunJobHandler } from './commands/rerun-job.command';
import { RunCachingHandler } from './commands/run-caching.command';
import { ReportTaskHandler } from './commands/report-task.command';
import { StopJobHandler } from './commands/stop-job.command';
import { SubmitPipelineHandler } from './commands/submit-pipeline.command';
import { StopJobsHandler } from './commands/stop-jobs.command';
import { ExecController } from './http/exec.controller';
import { ExecQueriesController } from './http/exec-queries.controller';
import { JobEventsController } from './http/job-events.controller';
import { TasksController } from './http/tasks.controller';
import { CachedTasksRepository } from './infrastructure/cached-tasks.repository';
import { JobProjector } from './infrastructure/job.projector';
import { JobsRepository } from './infrastructure/jobs.repository';
import { JobSecretsRepository } from './infrastructure/job-secrets.repository';
import { JobSearchRepository } from './infrastructure/job-search.repository';
import { JobQueries } from './job-queries.service';
import { JobStore } from './job-store.service';
import { JobEventsListeners } from './job-events.listener';
import { JobSweeper } from './job-sweeper.service';
import { JobWriter } from './job-writer.service';
import { PipelineAdmissions } from './pipeline-admissions.service';
import { TaskWaits } from './task-waits.service';

@Module({
  controllers: [ExecController, ExecQueriesController, TasksController, JobEventsController],
  providers: [
    JobsRepository,
    JobSecretsRepository,
    JobSearchRepository,
    CachedTasksRepository,
    { provide: JobProjector, useFactory: (repo: JobsRepository) => new JobProjector(repo), inject: [JobsRepository] },
    JobEventsListeners,
    JobStore,
    JobWriter,
    JobQueries,
    JobSweeper,
    PipelineAdmissions,
    TaskWaits,
    SubmitPipelineHandler,
    AcquireTasksHandler,
    ReportTaskHandler,
    CompleteTasksHandler,
    StopJobHandler,
    StopJobsHandler,
    PauseJobHandler,
    ResumeJobHandler,
    RerunJobHandler,
    RunCachingHandler,
  ],
  exports: [JobStore, JobWriter, JobQueries, JobsRepository, JobSweeper, JobEventsListeners],
})
export class JobsModule {}
