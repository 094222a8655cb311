// Which slurm.conf keys Ratchet reads, and which it knows but ignores (a warning rather
// than an unknown-key warning).

export const IGNORED = new Set(`accountingstoragetres accountingstorageenforce accountingstorageexternalhost
accountingstoragehost accountingstoragebackuphost accountingstorageloc accountingstorageparameters
accountingstoragepass accountingstorageport accountingstoragetype accountingstorageuser
accountingstoreflags accountingstorejobcomment acctgatherenergytype acctgathernodefreq
acctgatherprofiletype acctgatherinterconnecttype acctgatherinfinibandtype acctgatherfilesystemtype
allowspecresourcesusage authalttypes authaltparameters backupaddr backupcontroller batchstarttimeout
bcastexclude bcastparameters burstbufferparameters burstbuffertype corespecplugin clifilterplugins
communicationparameters completewait cpufreqdef cpufreqgovernors credtype cryptotype debugflags
defcpupergpu defmempergpu disablerootjobs eiotimeout enforcepartlimits epilog
epilogmsgtime epilogslurmctld extsensorstype extsensorsfreq fairsharedampeningfactor fastschedule
federationparameters getenvtimeout grestypes groupupdateforce groupupdatetime gpufreqdef
healthcheckinterval healthchecknodestate healthcheckprogram interactivestepoptions inactivelimit
jobacctgathertype jobacctgatherfrequency jobacctgatherparams jobcomphost jobcomploc jobcompparams
jobcomppass jobcompport jobcomptype jobcontainertype jobcompuser jobcredentialprivatekey
jobcredentialpubliccertificate jobfileappend jobrequeue jobsubmitplugins keepalivetime killonbadexit
launchparameters launchtype licenses logtimeformat maildomain mailprog maxdbdmsgs maxjobcount
maxnodecount maxjobid maxmempercpu maxmempernode maxstepcount maxtaskspernode mcsparameters mcsplugin
messagetimeout mpidefault mpiparams nodefeaturesplugins overtimelimit plugindir plugstackconfig
powerparameters powerplugin preemptmode preempttype preemptexempttime prepparameters prepplugins
prioritydecayhalflife prioritycalcperiod priorityfavorsmall prioritymaxage priorityparameters
priorityusageresetperiod prioritytype priorityflags prioritysitefactorparameters
prioritysitefactorplugin priorityweightage priorityweightassoc priorityweightfairshare
priorityweightjobsize priorityweightpartition priorityweightqos priorityweighttres
proctracktype prolog prologslurmctld prologepilogtimeout prologflags propagateprioprocess
propagateresourcelimitsexcept propagateresourcelimits rebootprogram reconfigflags requeueexit
requeueexithold resumefailprogram resumeprogram resumerate resumetimeout resvepilog resvoverrun
resvprolog returntoservice routeplugin sallocdefaultcommand sbcastparameters schedulerauth
schedulerparameters schedulertimeslice schedulertype scronparameters selecttype selecttypeparameters
slurmduser slurmctldaddr slurmctlddebug slurmctldlogfile slurmctldpidfile slurmctldplugstack
slurmctldprimaryoffprog slurmctldprimaryonprog slurmctldsyslogdebug slurmctldtimeout
slurmctldparameters slurmddebug slurmdlogfile slurmdparameters slurmdpidfile slurmdsyslogdebug
slurmschedlogfile slurmschedloglevel srunepilog srunprolog srunportrange suspendexcnodes
suspendexcparts suspendprogram suspendrate suspendtime suspendtimeout switchparameters switchtype
taskepilog taskprolog taskplugin taskpluginparam tcptimeout tmpfs topologyparam topologyplugin
trackwckey treewidth unkillablestepprogram unkillablesteptimeout usepam vsizefactor waittime
x11parameters`.split(/\s+/));

export const NODE_USED = new Set(['cpus', 'procs', 'realmemory', 'nodeaddr', 'nodehostname', 'port', 'sockets',
  'corespersocket', 'threadspercore', 'weight']);
export const NODE_IGNORED = new Set(['bcastaddr', 'boards', 'corespeccount', 'cpuspeclist', 'cpubind', 'feature',
  'features', 'gres', 'memspeclimit', 'reason', 'socketsperboard', 'state', 'tmpdisk', 'tresweights']);
export const PART_USED = new Set(['nodes', 'default', 'maxtime', 'defaulttime', 'state', 'prioritytier', 'priority']);
export const PART_IGNORED = new Set(['allocnodes', 'allowaccounts', 'allowgroups', 'allowqos', 'alternate', 'cpubind',
  'defcpupergpu', 'defmempercpu', 'defmempergpu', 'defmempernode', 'denyaccounts', 'denyqos',
  'disablerootjobs', 'exclusiveuser', 'gracetime', 'hidden', 'lln', 'maxcpuspernode', 'maxmempercpu',
  'maxmempernode', 'maxnodes', 'minnodes', 'oversubscribe', 'overtimelimit', 'preemptmode',
  'priorityjobfactor', 'qos', 'rootonly', 'reqresv', 'resumetimeout', 'selecttypeparameters', 'shared',
  'suspendtime', 'suspendtimeout', 'tresbillingweights']);
/** Line types Slurm has that take the whole line; Ratchet ignores them. */
export const IGNORED_LINES = new Set(['downnodes', 'frontendname', 'nodeset']);

