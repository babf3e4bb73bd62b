import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

export interface CreatedNetworkProps {
  /** NAT gateways: 1 (default, one AZ's egress) or 2 (one per AZ, survives an AZ outage). */
  natGateways: number;
}

/**
 * A VPC for a deployment that brings none: two AZs, a public subnet in each (the load balancer and the
 * NAT gateways) and a private subnet in each (app tasks and runners). Private subnets reach the
 * internet through NAT, not VPC endpoints: runners must reach github.com and its artifact hosts, which
 * no endpoint serves. Cost: about $0.045 an hour per NAT gateway plus $0.045 per GB processed
 * (us-east-1, https://aws.amazon.com/vpc/pricing/). Rejected traffic is logged (flow log, 90 days).
 */
export class CreatedNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly loadBalancerSubnets: ec2.ISubnet[];
  readonly appSubnets: ec2.ISubnet[];

  constructor(scope: Construct, id: string, props: CreatedNetworkProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, "Vpc", {
      maxAzs: 2,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: "public", subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        // /20: 4,091 addresses an AZ, room for many runners at once.
        { name: "private", subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
      ],
      flowLogs: {
        rejected: {
          trafficType: ec2.FlowLogTrafficType.REJECT,
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, "FlowLogs", { retention: logs.RetentionDays.THREE_MONTHS }),
          ),
        },
      },
    });
    this.loadBalancerSubnets = this.vpc.publicSubnets;
    this.appSubnets = this.vpc.privateSubnets;
  }
}
