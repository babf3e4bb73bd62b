import { Annotations, Fn } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import { Construct } from "constructs";

export interface ImportedNetworkProps {
  vpcId: string;
  loadBalancerSubnetIds: readonly string[];
  appSubnetIds: readonly string[];
}

/**
 * The admin's existing VPC and subnets, imported by id without lookups (so synth needs no AWS access).
 * Every construct that places something gets its subnets explicitly, which is why the VPC's AZ list
 * and the subnets' route tables are never read and their import warnings are acknowledged.
 */
export class ImportedNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  readonly loadBalancerSubnets: ec2.ISubnet[];
  readonly appSubnets: ec2.ISubnet[];

  constructor(scope: Construct, id: string, props: ImportedNetworkProps) {
    super(scope, id);
    this.vpc = ec2.Vpc.fromVpcAttributes(this, "Vpc", { vpcId: props.vpcId, availabilityZones: Fn.getAzs() });
    Annotations.of(this.vpc).acknowledgeWarning(
      "@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones",
      "Subnets are always passed explicitly; the AZ list is never used to select them.",
    );
    const subnets = new Map<string, ec2.ISubnet>();
    const subnet = (subnetId: string) => {
      const known = subnets.get(subnetId);
      if (known) return known;
      const imported = ec2.Subnet.fromSubnetId(this, subnetId, subnetId);
      Annotations.of(imported).acknowledgeWarning(
        "@aws-cdk/aws-ec2:noSubnetRouteTableId",
        "Nothing in the stack reads route tables of the imported subnets.",
      );
      subnets.set(subnetId, imported);
      return imported;
    };
    this.loadBalancerSubnets = props.loadBalancerSubnetIds.map(subnet);
    this.appSubnets = props.appSubnetIds.map(subnet);
  }
}
