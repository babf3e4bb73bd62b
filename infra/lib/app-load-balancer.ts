import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import type * as ecs from "aws-cdk-lib/aws-ecs";
import * as elbv2 from "aws-cdk-lib/aws-elasticloadbalancingv2";
import * as route53 from "aws-cdk-lib/aws-route53";
import * as targets from "aws-cdk-lib/aws-route53-targets";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { acknowledge } from "./acknowledge.js";

export interface AppLoadBalancerProps {
  vpc: ec2.IVpc;
  subnets: ec2.ISubnet[];
  domainName: string;
  /** An existing ACM certificate; absent, one is requested for domainName and validated in hostedZone. */
  certificateArn?: string;
  /** Who may connect on 443. GitHub (webhooks) and runners (bootstrap, via NAT) must be inside. */
  ingressCidrs: readonly string[];
  /** When given, an alias record for domainName is created in this zone. */
  hostedZone?: { id: string; name: string };
}

/**
 * The app's only way in: an internet-facing ALB with one HTTPS listener (TLS 1.2+), access logs,
 * and a health check on /healthz. GitHub posts webhooks to it; runners post to /bootstrap through it.
 */
export class AppLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly listener: elbv2.ApplicationListener;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: AppLoadBalancerProps) {
    super(scope, id);
    const group = new ec2.SecurityGroup(this, "SecurityGroup", {
      vpc: props.vpc,
      description: "Mayfly load balancer: HTTPS in from GitHub and runners; out only to the app",
      allowAllOutbound: false,
    });
    for (const cidr of props.ingressCidrs) {
      group.addIngressRule(
        ec2.Peer.ipv4(cidr),
        ec2.Port.tcp(443),
        "HTTPS: GitHub webhooks, runner bootstrap",
      );
    }
    if (props.ingressCidrs.includes("0.0.0.0/0")) {
      acknowledge(
        group,
        "AwsSolutions-EC23",
        "GitHub delivers webhooks from address ranges that change (api.github.com/meta 'hooks'), and runners arrive via NAT; every request is authenticated (webhook HMAC, bootstrap JWT plus instance identity, dashboard sign-in). Narrow with mayfly:ingressCidrs if your network allows.",
      );
    }
    this.accessLogs = new s3.Bucket(this, "AccessLogs", {
      // ALB access logs support only SSE-S3 on the target bucket.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.accessLogs,
      "AwsSolutions-S1",
      "This bucket is itself the access-log destination; logging it to another bucket would only move the finding.",
    );
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, "LoadBalancer", {
      vpc: props.vpc,
      vpcSubnets: { subnets: props.subnets },
      internetFacing: true,
      securityGroup: group,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(this.accessLogs, "alb");
    const zone = props.hostedZone
      ? route53.HostedZone.fromHostedZoneAttributes(this, "Zone", {
          hostedZoneId: props.hostedZone.id,
          zoneName: props.hostedZone.name,
        })
      : undefined;
    const certificateArn = props.certificateArn ?? this.#requestCertificate(props.domainName, zone);
    this.listener = this.loadBalancer.addListener("Https", {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: false,
    });
    if (zone) {
      new route53.ARecord(this, "Alias", {
        zone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(this.loadBalancer)),
      });
    }
  }

  /**
   * ACM validates by a CNAME it asks for; CloudFormation writes it into the zone and waits until the
   * certificate is issued (usually minutes), so the listener never starts without one.
   */
  #requestCertificate(domainName: string, zone: route53.IHostedZone | undefined): string {
    if (!zone)
      throw new Error("a certificate can only be created with a hosted zone (checkStackProps reports it)");
    return new acm.Certificate(this, "Certificate", {
      domainName,
      validation: acm.CertificateValidation.fromDns(zone),
    }).certificateArn;
  }

  /** Routes every request to the service's port 3000, health-checked on /healthz. */
  routeTo(service: ecs.FargateService, port: number): void {
    this.listener.addTargets("App", {
      port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [service],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: "/healthz",
        interval: Duration.seconds(15),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
  }
}
